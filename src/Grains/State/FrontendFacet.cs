using Mesh.Grains.Model;

namespace Mesh.Grains.State;

// The frontend facet of a Service: for each of its ports, the merged routes that decide where a
// request sent to that port goes. This is what the silo sends to proxies and what their route tables
// compile from; it is pure data, ordered and normalized, so its version can be taken from its content.

public sealed record FrontendFacet
{
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public string? ClusterIP { get; init; }
    public List<FrontendPort> Ports { get; init; } = [];
}

public sealed record FrontendPort
{
    public int Port { get; init; }
    public string? Name { get; init; }
    public string? AppProtocol { get; init; }

    /// <summary>Routes from the Service's own namespace; null when none is attached to this port.</summary>
    public RouteGroup? Producer { get; init; }

    /// <summary>Routes from other namespaces, keyed by the namespace whose clients they apply to.</summary>
    public SortedDictionary<string, RouteGroup> Consumers { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The merged routes of one group, one entry per route match, in precedence order: HTTPRoutes in
/// <see cref="Entries"/>, GRPCRoutes (their matches expressed on the gRPC path) in <see cref="GrpcEntries"/>,
/// each ordered by its own kind's precedence.
/// </summary>
public sealed record RouteGroup
{
    public List<RouteEntry> Entries { get; init; } = [];
    public List<RouteEntry> GrpcEntries { get; init; } = [];
}

/// <summary>One match of one rule of one route, with everything a proxy needs to act on it.</summary>
public sealed record RouteEntry
{
    /// <summary>"namespace/name" of the route.</summary>
    public string Route { get; init; } = "";

    /// <summary>HTTPRoute or GRPCRoute.</summary>
    public string Kind { get; init; } = RouteKinds.Http;
    public int RuleIndex { get; init; }
    public string? RuleName { get; init; }
    public int MatchIndex { get; init; }

    /// <summary>The match with the spec's defaults filled in (path PathPrefix "/", Exact header and query types).</summary>
    public HttpRouteMatch Match { get; init; } = new();
    public List<HttpRouteFilter>? Filters { get; init; }
    public List<ResolvedBackend> Backends { get; init; } = [];
    public HttpRouteTimeouts? Timeouts { get; init; }
    public HttpRouteRetry? Retry { get; init; }
}

/// <summary>A backendRef resolved to a Service port, or the reason it could not be (its weight share then answers 500).</summary>
public sealed record ResolvedBackend
{
    /// <summary>"namespace/name" of the backend Service.</summary>
    public string Service { get; init; } = "";
    public int Port { get; init; }
    public int Weight { get; init; }

    /// <summary>Null when resolved; otherwise the ResolvedRefs reason (BackendNotFound, InvalidKind, RefNotPermitted, ...).</summary>
    public string? Unresolved { get; init; }
    public List<HttpRouteFilter>? Filters { get; init; }
}

public static class RouteKinds
{
    public const string Http = "HTTPRoute";
    public const string Grpc = "GRPCRoute";
}
