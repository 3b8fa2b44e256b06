using System.Collections.Concurrent;
using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>One named metric rendered in the Prometheus text format.</summary>
public interface IMetricFamily
{
    string Name { get; }

    void Render(StringBuilder output);
}

/// <summary>A metric whose series (one per set of label values) are created on first use and updated in place.</summary>
public abstract class MetricFamily<TSeries>(string name, string help, string type, string[] labelNames) : IMetricFamily
    where TSeries : class
{
    private readonly ConcurrentDictionary<LabelValues, TSeries> _series = new();

    public string Name { get; } = name;

    protected string[] LabelNames { get; } = labelNames;

    /// <summary>The series for these label values. Keep label values to names from configuration, never request data.</summary>
    public TSeries WithLabels(LabelValues labels) => _series.GetOrAdd(labels, static (_, family) => family.NewSeries(), this);

    protected abstract TSeries NewSeries();

    protected abstract void RenderSeries(StringBuilder output, LabelValues labels, TSeries series);

    public void Render(StringBuilder output)
    {
        PrometheusText.Header(output, Name, help, type);
        foreach (var (labels, series) in _series.OrderBy(s => s.Key.ToString(), StringComparer.Ordinal))
        {
            RenderSeries(output, labels, series);
        }
    }
}
