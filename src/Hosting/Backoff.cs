namespace Mesh.Hosting;

/// <summary>Exponential backoff with full jitter, so many clients retrying do not move in step.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan? _next;

    public void Reset() => _next = null;

    public async Task DelayAsync(CancellationToken ct)
    {
        var ceiling = _next ?? initial;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, ceiling.Ticks * 2));
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling.TotalMilliseconds);
        await Task.Delay(delay, ct).ConfigureAwait(false);
    }
}
