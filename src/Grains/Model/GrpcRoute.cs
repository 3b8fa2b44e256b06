namespace Mesh.Grains.Model;

// gateway.networking.k8s.io/v1 GRPCRoute. Filters and backendRefs share the HTTPRoute shapes; the
// filter types a GRPCRoute allows are a subset (no redirect, no rewrite).

public sealed record GrpcRoute
{
    public ObjectMeta Metadata { get; init; } = new();
    /// <summary>Never null: a "spec": null that a loose CRD stored (the API server would prune it) reads as an empty spec.</summary>
    public GrpcRouteSpec Spec { get; init => field = value ?? new(); } = new();
}

public sealed record GrpcRouteSpec
{
    public List<ParentReference>? ParentRefs { get; init; }
    public List<string>? Hostnames { get; init; }
    public List<GrpcRouteRule>? Rules { get; init; }
}

public sealed record GrpcRouteRule
{
    public string? Name { get; init; }
    public List<GrpcRouteMatch>? Matches { get; init; }
    public List<HttpRouteFilter>? Filters { get; init; }
    public List<HttpBackendRef>? BackendRefs { get; init; }
    public SessionPersistence? SessionPersistence { get; init; }
}

public sealed record GrpcRouteMatch
{
    public GrpcMethodMatch? Method { get; init; }
    public List<HttpHeaderMatch>? Headers { get; init; }
}

public sealed record GrpcMethodMatch
{
    /// <summary>Exact (default) or RegularExpression.</summary>
    public string? Type { get; init; }
    public string? Service { get; init; }
    public string? Method { get; init; }
}
