using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>Everything the GAMMA translation reads: the cluster's objects at one moment.</summary>
public sealed record MeshSnapshot
{
    public IReadOnlyList<Service> Services { get; init; } = [];
    public IReadOnlyList<EndpointSlice> EndpointSlices { get; init; } = [];
    public IReadOnlyList<Pod> Pods { get; init; } = [];
    public IReadOnlyList<HttpRoute> HttpRoutes { get; init; } = [];
    public IReadOnlyList<GrpcRoute> GrpcRoutes { get; init; } = [];
    public IReadOnlyList<ReferenceGrant> ReferenceGrants { get; init; } = [];

    /// <summary>Routes refused before translation (they failed the CRD rules); they only get status.</summary>
    public IReadOnlyList<InvalidRoute> InvalidRoutes { get; init; } = [];

    /// <summary>When true, a backendRef into another namespace needs a ReferenceGrant there.</summary>
    public bool RequireReferenceGrants { get; init; }
}
