using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests.Incremental;

/// <summary>The objects a test cluster holds now, kept beside the incremental translator, to translate in full as the reference.</summary>
internal sealed class ClusterObjects(bool requireReferenceGrants)
{
    public Dictionary<ObjectKey, Service> Services { get; } = [];
    public Dictionary<ObjectKey, EndpointSlice> Slices { get; } = [];
    public Dictionary<ObjectKey, Pod> Pods { get; } = [];
    public Dictionary<ObjectKey, ReferenceGrant> Grants { get; } = [];
    public Dictionary<ObjectKey, HttpRoute> HttpRoutes { get; } = [];
    public Dictionary<ObjectKey, GrpcRoute> GrpcRoutes { get; } = [];
    public Dictionary<RouteId, InvalidRoute> InvalidRoutes { get; } = [];

    /// <summary>The Service parents a route names now ("namespace/name"), whatever its kind or validity.</summary>
    public IEnumerable<string> ParentsOf(string kind, ObjectKey route)
    {
        var parents = kind == RouteKinds.Http
            ? HttpRoutes.GetValueOrDefault(route)?.Spec.ParentRefs
            : GrpcRoutes.GetValueOrDefault(route)?.Spec.ParentRefs;
        parents ??= InvalidRoutes.GetValueOrDefault(new RouteId(kind, route))?.ParentRefs;
        return (parents ?? []).Select(p => $"{p.Namespace ?? route.Namespace}/{p.Name}");
    }

    public MeshSnapshot Snapshot() => new()
    {
        Services = [.. Services.Values],
        EndpointSlices = [.. Slices.Values],
        Pods = [.. Pods.Values],
        ReferenceGrants = [.. Grants.Values],
        HttpRoutes = [.. HttpRoutes.Values],
        GrpcRoutes = [.. GrpcRoutes.Values],
        InvalidRoutes = [.. InvalidRoutes.Values],
        RequireReferenceGrants = requireReferenceGrants,
    };
}
