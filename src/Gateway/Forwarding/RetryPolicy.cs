using Mesh.Grains.Model;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// HTTPRouteRetry (GEP-1731): up to <c>Attempts</c> retries after the first try, on the listed status
/// codes, on connection failures and on per-attempt timeouts, waiting <c>Backoff</c> (doubled each
/// time, up to <see cref="DoublingCap"/>) in between. Only requests whose body fits in <see cref="MaxReplayableBody"/> are retried.
/// A trailers-only gRPC failure counts as the HTTP status its grpc-status maps to (<see cref="GrpcTrailersOnly"/>).
/// </summary>
public sealed record RetryPolicy(IReadOnlySet<int> Codes, int Attempts, TimeSpan Backoff)
{
    public const int MaxReplayableBody = 64 * 1024;

    /// <summary>
    /// Doubling stops here. GEP-1731 lets the pause be capped only above the configured minimum, so a
    /// backoff longer than this is waited in full before every retry.
    /// </summary>
    public static readonly TimeSpan DoublingCap = TimeSpan.FromSeconds(10);

    private const int DefaultAttempts = 1;

    public static RetryPolicy? From(HttpRouteRetry? retry)
    {
        if (retry is null)
        {
            return null;
        }
        var attempts = retry.Attempts ?? DefaultAttempts;
        if (attempts <= 0)
        {
            return null;
        }
        var backoff = GatewayDuration.TryParse(retry.Backoff, out var parsed) ? parsed : TimeSpan.Zero;
        return new RetryPolicy(new HashSet<int>(retry.Codes ?? []), attempts, backoff);
    }

    /// <summary>Whether an answer with this status is retried (for a trailers-only gRPC answer, pass <see cref="GrpcTrailersOnly.EquivalentStatus"/>).</summary>
    public bool RetriesStatus(int status) => Codes.Contains(status);

    /// <summary>The pause before retry number <paramref name="retry"/> (1-based): never less than <see cref="Backoff"/>.</summary>
    public TimeSpan BackoffBefore(int retry)
    {
        if (Backoff <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        if (Backoff >= DoublingCap)
        {
            return TimeoutPolicy.Clamp(Backoff);
        }
        // Below the cap (10^8 ticks), 30 doublings cannot overflow a long.
        return TimeSpan.FromTicks(Math.Min(Backoff.Ticks << Math.Min(retry - 1, 30), DoublingCap.Ticks));
    }
}
