using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>Observations counted into fixed buckets (rendered cumulatively), with their sum.</summary>
public sealed class Histogram(double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private long _sumMicros;

    public void Observe(double value)
    {
        var bucket = Array.BinarySearch(bounds, value);
        Interlocked.Increment(ref _counts[bucket >= 0 ? bucket : ~bucket]);
        Interlocked.Add(ref _sumMicros, (long)(value * 1_000_000));
    }

    internal (long[] Cumulative, double Sum) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return (cumulative, Interlocked.Read(ref _sumMicros) / 1_000_000.0);
    }
}

public sealed class HistogramFamily(string name, string help, double[] bounds, params string[] labelNames)
    : MetricFamily<Histogram>(name, help, "histogram", labelNames)
{
    /// <summary>Latency buckets in seconds, from 0.5 ms to 10 s.</summary>
    public static readonly double[] LatencySeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    protected override Histogram NewSeries() => new(bounds);

    protected override void RenderSeries(StringBuilder output, LabelValues labels, Histogram series)
    {
        var (cumulative, sum) = series.Snapshot();
        for (var i = 0; i <= bounds.Length; i++)
        {
            var le = i < bounds.Length ? PrometheusText.Number(bounds[i]) : "+Inf";
            output.Append(Name).Append("_bucket").Append(PrometheusText.Labels(LabelNames, labels, "le", le))
                .Append(' ').Append(cumulative[i]).Append('\n');
        }
        var plain = PrometheusText.Labels(LabelNames, labels);
        output.Append(Name).Append("_sum").Append(plain).Append(' ').Append(PrometheusText.Number(sum)).Append('\n');
        output.Append(Name).Append("_count").Append(plain).Append(' ').Append(cumulative[^1]).Append('\n');
    }
}
