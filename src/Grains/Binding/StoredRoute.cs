using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Grains.Model;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Binding;

/// <summary>
/// A route object as the cluster stored it, read as the silo reads it: typed, then re-checked against the CRD
/// rules (a cluster's installed CRDs may be older or looser than the ones Mesh implements). It is valid, set
/// aside as an <see cref="InvalidRoute"/> that only gets status, or unreadable, with the reason (<see cref="StoredRouteRead{T}"/>).
/// </summary>
public static class StoredRoute
{
    public static StoredRouteRead<T> Read<T>(string kind, JsonObject obj, Func<T, ObjectMeta> metadata, Func<T, List<ParentReference>?> parents)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(parents);
        T route;
        try
        {
            route = KubernetesJson.Read<T>(obj);
        }
        catch (JsonException e)
        {
            return new(null, null, e);
        }
        var errors = GatewayApiValidation.Validate(kind, obj);
        return errors.Count == 0
            ? new(route, null, null)
            : new(null, new InvalidRoute(kind, metadata(route), parents(route), string.Join("; ", errors.Take(3).Select(e => $"{e.Field}: {e.Message}"))), null);
    }
}
