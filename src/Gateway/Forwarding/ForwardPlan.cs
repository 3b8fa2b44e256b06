using Mesh.Gateway.Balancing;
using Mesh.Gateway.Filters;
using Mesh.Gateway.Observability;

namespace Mesh.Gateway.Forwarding;

/// <summary>Everything routing decided about one request; the forwarder only carries it out.</summary>
/// <param name="Labels">The request's labels; the forwarder adds the endpoint and attempts it used, for the access log.</param>
/// <param name="Ended">Called once the forwarder is done with the request, whatever the outcome: the proxy's metrics
/// and log line, written there rather than by an async layer of the proxy's own around the forwarder.</param>
public sealed record ForwardPlan(
    EndpointPool Pool,
    string Authority,
    string PathAndQuery,
    bool UseH2c,
    TimeoutPolicy Timeouts,
    RetryPolicy? Retry,
    IReadOnlyList<HeaderModifier> ResponseHeaders,
    RequestLabels Labels,
    Action<Microsoft.AspNetCore.Http.HttpContext, RequestLabels>? Ended = null);
