namespace Mesh.Hosting;

/// <summary>Exponential backoff with full jitter, so many clients retrying do not move in step.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan? _next;

    public void Reset() => _next = null;

    /// <summary>
    /// The next wait: uniform in [0, ceiling), the ceiling doubling from <c>initial</c> up to <c>max</c>;
    /// never shorter than <paramref name="atLeast"/> (a server's Retry-After).
    /// </summary>
    public TimeSpan NextDelay(TimeSpan? atLeast = null)
    {
        var ceiling = _next ?? initial;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, ceiling.Ticks * 2));
        var jittered = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * ceiling.Ticks));
        return atLeast is { } floor && floor > jittered ? floor : jittered;
    }

    public Task DelayAsync(CancellationToken ct) => DelayAsync(null, ct);

    public async Task DelayAsync(TimeSpan? atLeast, CancellationToken ct) =>
        await Task.Delay(NextDelay(atLeast), ct).ConfigureAwait(false);
}
