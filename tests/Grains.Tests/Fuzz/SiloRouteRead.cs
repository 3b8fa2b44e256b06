using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// A route object read as the silo's MeshReconciler reads one from its informer, by <see cref="StoredRoute"/>:
/// valid, set aside as an <see cref="InvalidRoute"/> that only gets status, or unreadable (the silo logs it and
/// removes the route). Any exception from the read would escape the silo's pass.
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
        var read = StoredRoute.Read<T>(kind, obj, metadata, parents);
        return read.Valid is { } route ? valid(route) : read.Invalid is { } invalid ? new(null, null, invalid) : Unreadable;
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
