using Mesh.Gateway.Balancing;
using Mesh.Gateway.Filters;
using Mesh.Gateway.Observability;

namespace Mesh.Gateway.Forwarding;

/// <summary>Everything routing decided about one request; the forwarder only carries it out.</summary>
/// <param name="Labels">The request's labels; the forwarder adds the endpoint and attempts it used, for the access log.</param>
public sealed record ForwardPlan(
    EndpointPool Pool,
    string Authority,
    string PathAndQuery,
    bool UseH2c,
    TimeoutPolicy Timeouts,
    RetryPolicy? Retry,
    IReadOnlyList<HeaderModifier> ResponseHeaders,
    RequestLabels Labels);
