using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Grains.Model;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Binding;

/// <summary>
/// A route object as the cluster stored it, read as the silo reads it: typed, then re-checked against the CRD
/// rules (a cluster's installed CRDs may be older or looser than the ones Mesh implements). It is valid, set
/// aside as an <see cref="InvalidRoute"/> that only gets status (also when a field has the wrong type, if its metadata and
/// parentRefs read), or unreadable, with the reason (<see cref="StoredRouteRead{T}"/>).
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
            // A field of the wrong type (CRDs too loose to stop it) is still a route of ours to refuse, if its
            // metadata and some parentRefs read.
            return Salvage(kind, obj, e) is { } refused ? new(null, refused, null) : new(null, null, e);
        }
        var errors = GatewayApiValidation.Validate(kind, obj);
        return errors.Count == 0
            ? new(route, null, null)
            : new(null, new InvalidRoute(kind, metadata(route), parents(route), Describe(errors)), null);
    }

    private static InvalidRoute? Salvage(string kind, JsonObject obj, JsonException unread)
    {
        var metadata = ReadOrNull<ObjectMeta>(obj["metadata"]);
        var parentRefs = (obj["spec"] as JsonObject)?["parentRefs"] as JsonArray;
        var parents = parentRefs?.Select(ReadOrNull<ParentReference>).OfType<ParentReference>().ToList();
        var errors = GatewayApiValidation.Validate(kind, obj);
        return metadata is null || parents is not { Count: > 0 }
            ? null
            : new InvalidRoute(kind, metadata, parents, errors.Count > 0 ? Describe(errors) : $"the object does not read: {unread.Message}");
    }

    private static T? ReadOrNull<T>(JsonNode? node) where T : class
    {
        try
        {
            return node is JsonObject ? KubernetesJson.Read<T>(node) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(IReadOnlyList<FieldError> errors) =>
        string.Join("; ", errors.Take(3).Select(e => $"{e.Field}: {e.Message}"));
}
