using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// A route object read the way the silo's MeshReconciler reads one from its informer (its ReadRoute and TryRead):
/// typed with <see cref="KubernetesJson.Read{T}"/>, where only a <see cref="JsonException"/> means "skip it, it does
/// not read" (logged, and the route removed); then re-checked against the CRD rules, an object that breaks them set
/// aside as an <see cref="InvalidRoute"/> that only gets status. Any other exception would escape the silo's pass.
/// </summary>
internal sealed record SiloRouteRead(HttpRoute? Http, GrpcRoute? Grpc, InvalidRoute? Invalid)
{
    public static readonly SiloRouteRead Unreadable = new(null, null, null);

    public bool IsUnreadable => Http is null && Grpc is null && Invalid is null;

    /// <summary>The parentRefs of whatever was read (none when it did not read).</summary>
    public List<ParentReference>? ParentRefs => Http?.Spec.ParentRefs ?? Grpc?.Spec.ParentRefs ?? Invalid?.ParentRefs;

    public static SiloRouteRead Of(string kind, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return kind == RouteKinds.Http
            ? Read<HttpRoute>(kind, obj, r => r.Metadata, r => r.Spec.ParentRefs, r => new(r, null, null))
            : Read<GrpcRoute>(kind, obj, r => r.Metadata, r => r.Spec.ParentRefs, r => new(null, r, null));
    }

    private static SiloRouteRead Read<T>(string kind, JsonObject obj, Func<T, ObjectMeta> metadata,
        Func<T, List<ParentReference>?> parents, Func<T, SiloRouteRead> valid) where T : class
    {
        T route;
        try
        {
            route = KubernetesJson.Read<T>(obj);
        }
        catch (JsonException)
        {
            return Unreadable;
        }
        var errors = GatewayApiValidation.Validate(kind, obj);
        return errors.Count == 0
            ? valid(route)
            : new SiloRouteRead(null, null, new InvalidRoute(kind, metadata(route), parents(route),
                string.Join("; ", errors.Take(3).Select(e => $"{e.Field}: {e.Message}"))));
    }

    /// <summary>The snapshot with this route added as the silo would add it (an unreadable one is absent).</summary>
    public MeshSnapshot AddTo(MeshSnapshot snapshot) => snapshot with
    {
        HttpRoutes = Http is null ? snapshot.HttpRoutes : [.. snapshot.HttpRoutes, Http],
        GrpcRoutes = Grpc is null ? snapshot.GrpcRoutes : [.. snapshot.GrpcRoutes, Grpc],
        InvalidRoutes = Invalid is null ? snapshot.InvalidRoutes : [.. snapshot.InvalidRoutes, Invalid],
    };

    /// <summary>The route into the incremental translator as the silo's Apply does: upserted, or removed when it does not read.</summary>
    public void ApplyTo(IncrementalTranslator translator, string kind, ObjectKey key)
    {
        if (Http is not null)
        {
            translator.Upsert(Http);
        }
        else if (Grpc is not null)
        {
            translator.Upsert(Grpc);
        }
        else if (Invalid is not null)
        {
            translator.Upsert(Invalid);
        }
        else
        {
            translator.RemoveRoute(kind, key);
        }
    }
}
