using System.Net;

namespace Mesh.Gateway.Balancing;

/// <summary>
/// What the proxy has seen of one endpoint: requests in flight (for least-request choice) and recent
/// failures (for passive outlier ejection). It outlives table rebuilds, so a route change does not
/// forget that an endpoint is failing.
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
    private long _ejectedUntilTicks;

    public IPEndPoint Address { get; } = address;

    /// <summary>The endpoint as the start of a request URI, built once rather than per request.</summary>
    public string Origin { get; } = $"http://{address}";

    public int InFlight => Volatile.Read(ref _inFlight);

    public long TotalEjections => Volatile.Read(ref _ejections);

    public bool IsEjected(long nowTicks) => nowTicks < Volatile.Read(ref _ejectedUntilTicks);

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
            var ejections = Interlocked.Increment(ref _ejections);
            var duration = TimeSpan.FromTicks(Math.Min(BaseEjection.Ticks * ejections, MaxEjection.Ticks));
            Volatile.Write(ref _ejectedUntilTicks, nowTicks + duration.Ticks);
        }
    }
}
