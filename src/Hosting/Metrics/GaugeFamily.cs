using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>
/// Values read when rendered (sizes, counts of live things): one series per label set the callback
/// yields. A counter kept elsewhere (by the runtime, say) is read the same way and typed "counter".
/// </summary>
public sealed class GaugeFamily(string name, string help, string[] labelNames, Func<IEnumerable<(LabelValues Labels, double Value)>> read,
    string type = "gauge") : IMetricFamily
{
    public string Name { get; } = name;

    public void Render(StringBuilder output)
    {
        PrometheusText.Header(output, Name, help, type);
        foreach (var (labels, value) in read())
        {
            output.Append(Name).Append(PrometheusText.Labels(labelNames, labels)).Append(' ').Append(PrometheusText.Number(value)).Append('\n');
        }
    }
}
