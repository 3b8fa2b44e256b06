using System.Net;
using Mesh.Gateway.Filters;

namespace Mesh.Gateway.Forwarding;

/// <summary>Where and how one request goes upstream, as decided by routing.</summary>
public sealed record Upstream(
    IPEndPoint Endpoint,
    bool UseH2c,
    string Authority,
    string PathAndQuery,
    HeaderModifier? RouteResponseHeaders,
    HeaderModifier? BackendResponseHeaders);
