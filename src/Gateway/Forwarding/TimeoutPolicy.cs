using Mesh.Grains.Model;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// HTTPRouteTimeouts: <c>request</c> bounds the whole exchange including retries, <c>backendRequest</c>
/// each attempt, until the whole answer is in. Null means no limit ("0s" disables one, as the spec says).
/// </summary>
public sealed record TimeoutPolicy(TimeSpan? Request, TimeSpan? BackendRequest)
{
    public static readonly TimeoutPolicy None = new(null, null);

    /// <summary>
    /// The longest wait a .NET timer takes, about 49.7 days. A Gateway API duration may say up to 99999h, which
    /// <c>CancelAfter</c> and <c>Task.Delay</c> refuse with an exception: longer ones wait this long instead.
    /// </summary>
    public static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public static TimeoutPolicy From(HttpRouteTimeouts? timeouts) => timeouts is null
        ? None
        : new TimeoutPolicy(Parse(timeouts.Request), Parse(timeouts.BackendRequest));

    private static TimeSpan? Parse(string? value) =>
        GatewayDuration.TryParse(value, out var duration) && duration > TimeSpan.Zero ? Clamp(duration) : null;

    /// <summary><paramref name="wait"/>, or <see cref="LongestTimer"/> where a timer cannot wait that long.</summary>
    public static TimeSpan Clamp(TimeSpan wait) => wait > LongestTimer ? LongestTimer : wait;
}
