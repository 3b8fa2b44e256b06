using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>
/// The defaults the Gateway API CRDs' schemas give, filled in as the API server fills them, so a stored route reads as
/// it would in a cluster: parentRefs' group and kind, backendRefs' group, kind and weight, an HTTPRoute's default rule
/// and match, match types (Exact; PathPrefix "/" for paths), a mirror's backendRef group and kind, a redirect's 302.
/// </summary>
internal static class GatewayApiDefaults
{
    public static void Apply(string kind, JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }
        foreach (var parent in Objects(spec["parentRefs"]))
        {
            Default(parent, "group", ResourceCatalog.GatewayGroup);
            Default(parent, "kind", "Gateway");
        }
        var http = kind == "HTTPRoute";
        if (http && IsAbsent(spec["rules"]))
        {
            spec["rules"] = new JsonArray(new JsonObject()); // Its match, and that match's path, are filled in below.
        }
        foreach (var rule in Objects(spec["rules"]))
        {
            if (http && IsAbsent(rule["matches"]))
            {
                rule["matches"] = new JsonArray(new JsonObject()); // PathPrefix "/", filled in below.
            }
            foreach (var match in Objects(rule["matches"]))
            {
                if (http)
                {
                    if (IsAbsent(match["path"]))
                    {
                        match["path"] = new JsonObject();
                    }
                    if (match["path"] is JsonObject path)
                    {
                        Default(path, "type", "PathPrefix");
                        Default(path, "value", "/");
                    }
                    TypesDefaultToExact(match["queryParams"]);
                }
                else if (match["method"] is JsonObject method)
                {
                    Default(method, "type", "Exact");
                }
                TypesDefaultToExact(match["headers"]);
            }
            Filters(rule["filters"]);
            foreach (var backend in Objects(rule["backendRefs"]))
            {
                ServiceReference(backend);
                Default(backend, "weight", 1);
                Filters(backend["filters"]);
            }
        }
    }

    private static void Filters(JsonNode? filters)
    {
        foreach (var filter in Objects(filters))
        {
            if (filter["requestMirror"]?["backendRef"] is JsonObject mirrored)
            {
                ServiceReference(mirrored);
            }
            if (filter["requestRedirect"] is JsonObject redirect)
            {
                Default(redirect, "statusCode", 302);
            }
        }
    }

    private static void ServiceReference(JsonObject reference)
    {
        Default(reference, "group", "");
        Default(reference, "kind", "Service");
    }

    private static void TypesDefaultToExact(JsonNode? matches)
    {
        foreach (var match in Objects(matches))
        {
            Default(match, "type", "Exact");
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? list) => (list as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>Absent or null: the API server prunes a null before it defaults.</summary>
    private static bool IsAbsent(JsonNode? node) => node is null;

    private static void Default(JsonObject obj, string field, JsonNode value)
    {
        if (IsAbsent(obj[field]))
        {
            obj[field] = value;
        }
    }
}
