using System.Net;

namespace Mesh.Gateway.Balancing;

/// <summary>
/// What the proxy has seen of one endpoint: requests in flight (for least-request choice) and recent
/// failures (for passive outlier ejection). It outlives table rebuilds, so a route change does not
/// forget that an endpoint is failing. Each ejection lasts 10 s times the ejections in a row, up to
/// 5 minutes; an endpoint that stayed in for 5 minutes since its last ejection starts again at 10 s.
/// </summary>
public sealed class EndpointState(IPEndPoint address)
{
    /// <summary>Consecutive failures (connect errors, 5xx) that eject an endpoint.</summary>
    public const int FailuresToEject = 5;

    private static readonly TimeSpan BaseEjection = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxEjection = TimeSpan.FromMinutes(5);

    private int _inFlight;
    private int _consecutiveFailures;
    private int _ejections;
    private int _ejectionsInARow;
    private long _ejectedUntilTicks;

    public IPEndPoint Address { get; } = address;

    /// <summary>The endpoint as the start of a request URI, built once rather than per request.</summary>
    public string Origin { get; } = $"http://{address}";

    public int InFlight => Volatile.Read(ref _inFlight);

    public long TotalEjections => Volatile.Read(ref _ejections);

    public bool IsEjected(long nowTicks) => nowTicks < Volatile.Read(ref _ejectedUntilTicks);

    /// <summary>When the current or last ejection ends (or ended); 0 if never ejected.</summary>
    public long EjectedUntilTicks => Volatile.Read(ref _ejectedUntilTicks);

    public void Started() => Interlocked.Increment(ref _inFlight);

    /// <summary>Ends one request; a failure counts towards ejection, a success clears the count.</summary>
    public void Finished(bool failed, long nowTicks)
    {
        Interlocked.Decrement(ref _inFlight);
        if (!failed)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
            return;
        }
        if (Interlocked.Increment(ref _consecutiveFailures) >= FailuresToEject)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
            Interlocked.Increment(ref _ejections);
            // Ejections are rare: a race between two here costs at most one step of the multiplier.
            var inARow = nowTicks - Volatile.Read(ref _ejectedUntilTicks) > MaxEjection.Ticks ? 1 : Volatile.Read(ref _ejectionsInARow) + 1;
            Volatile.Write(ref _ejectionsInARow, inARow);
            var duration = TimeSpan.FromTicks(Math.Min(BaseEjection.Ticks * inARow, MaxEjection.Ticks));
            Volatile.Write(ref _ejectedUntilTicks, nowTicks + duration.Ticks);
        }
    }
}
