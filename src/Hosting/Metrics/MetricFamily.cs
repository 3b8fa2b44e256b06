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
    private readonly ConcurrentDictionary<LabelValues, Labelled> _series = new();

    /// <summary>The series asked for last: most requests repeat the labels of the one before.</summary>
    private Labelled? _last;

    public string Name { get; } = name;

    protected string[] LabelNames { get; } = labelNames;

    /// <summary>The series for these label values. Keep label values to names from configuration, never request data.</summary>
    public TSeries WithLabels(LabelValues labels)
    {
        // Label values come from the tables' own strings, so a repeat is told by reference, without hashing.
        var last = _last;
        if (last is not null && last.Labels.HasSameStrings(labels))
        {
            return last.Series;
        }
        last = _series.GetOrAdd(labels, static (key, family) => new Labelled(key, family.NewSeries()), this);
        _last = last;
        return last.Series;
    }

    protected abstract TSeries NewSeries();

    protected abstract void RenderSeries(StringBuilder output, LabelValues labels, TSeries series);

    public void Render(StringBuilder output)
    {
        PrometheusText.Header(output, Name, help, type);
        foreach (var (labels, labelled) in _series.OrderBy(s => s.Key.ToString(), StringComparer.Ordinal))
        {
            RenderSeries(output, labels, labelled.Series);
        }
    }

    private sealed record Labelled(LabelValues Labels, TSeries Series);
}
