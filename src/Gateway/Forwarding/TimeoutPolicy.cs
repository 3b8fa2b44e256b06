using Mesh.Grains.Model;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// HTTPRouteTimeouts: <c>request</c> bounds the whole exchange including retries, <c>backendRequest</c>
/// each attempt. Null means no limit ("0s" disables one, as the spec says).
/// </summary>
public sealed record TimeoutPolicy(TimeSpan? Request, TimeSpan? BackendRequest)
{
    public static readonly TimeoutPolicy None = new(null, null);

    public static TimeoutPolicy From(HttpRouteTimeouts? timeouts) => timeouts is null
        ? None
        : new TimeoutPolicy(Parse(timeouts.Request), Parse(timeouts.BackendRequest));

    private static TimeSpan? Parse(string? value) =>
        GatewayDuration.TryParse(value, out var duration) && duration > TimeSpan.Zero ? duration : null;
}
