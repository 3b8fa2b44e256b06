using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>A monotonically increasing count.</summary>
public sealed class Counter
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long amount = 1) => Interlocked.Add(ref _value, amount);
}

public sealed class CounterFamily(string name, string help, params string[] labelNames)
    : MetricFamily<Counter>(name, help, "counter", labelNames)
{
    protected override Counter NewSeries() => new();

    protected override void RenderSeries(StringBuilder output, LabelValues labels, Counter series) =>
        output.Append(Name).Append(PrometheusText.Labels(LabelNames, labels)).Append(' ').Append(series.Value).Append('\n');
}
