namespace Mesh.Silo.Status;

/// <summary>
/// A token bucket: up to <paramref name="burst"/> takes at once, then <paramref name="perSecond"/> a
/// second on average. Time comes from a <see cref="TimeProvider"/>, so tests can drive it with their own clock.
/// Not thread-safe: one writer loop owns it.
/// </summary>
public sealed class TokenBucket(double perSecond, int burst, TimeProvider time)
{
    private readonly double _perSecond = perSecond > 0 ? perSecond : throw new ArgumentOutOfRangeException(nameof(perSecond));
    private readonly double _burst = burst >= 1 ? burst : throw new ArgumentOutOfRangeException(nameof(burst));
    private double _tokens = burst;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes a token if there is one (returns zero); otherwise takes nothing and says how long until there is one.</summary>
    public TimeSpan TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond);
        _refilledAt = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return TimeSpan.Zero;
        }
        return TimeSpan.FromSeconds((1 - _tokens) / _perSecond);
    }

    /// <summary>Waits (on the bucket's clock) until a token is there, and takes it.</summary>
    public async Task TakeAsync(CancellationToken ct)
    {
        TimeSpan wait;
        while ((wait = TryTake()) > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }
}
