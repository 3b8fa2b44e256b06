using System.Collections.Concurrent;
using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>The metrics of one process, rendered together for a /metrics scrape.</summary>
public sealed class MetricRegistry
{
    private readonly ConcurrentDictionary<string, IMetricFamily> _families = new(StringComparer.Ordinal);

    public MetricRegistry() => ProcessMetrics.RegisterInto(this);

    public T Register<T>(T family) where T : IMetricFamily
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!_families.TryAdd(family.Name, family))
        {
            throw new InvalidOperationException($"A metric named {family.Name} is already registered.");
        }
        return family;
    }

    public string Render()
    {
        var output = new StringBuilder();
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Render(output);
        }
        return output.ToString();
    }
}
