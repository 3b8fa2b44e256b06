using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.AppHost.LocalApi.Objects;

/// <summary>Reads and writes the standard fields of an object held as a <see cref="JsonObject"/>.</summary>
internal static class ObjectMeta
{
    /// <summary>The object's metadata, created empty when missing.</summary>
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }
        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out long number) ? number : null;

    public static bool? Boolean(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out bool flag) ? flag : null;

    public static string? MetadataString(JsonObject obj, string field) => String((obj["metadata"] as JsonObject)?[field]);

    public static string Name(JsonObject obj) => MetadataString(obj, "name") ?? "";

    public static string Namespace(JsonObject obj) => MetadataString(obj, "namespace") ?? "";

    public static string Uid(JsonObject obj) => MetadataString(obj, "uid") ?? "";

    public static string? ResourceVersion(JsonObject obj) => MetadataString(obj, "resourceVersion");

    public static long Generation(JsonObject obj) => Integer((obj["metadata"] as JsonObject)?["generation"]) ?? 0;

    public static void SetResourceVersion(JsonObject obj, long revision) =>
        Metadata(obj)["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>The string-valued entries of a map such as <c>metadata.labels</c> or <c>spec.selector</c>.</summary>
    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject entries)
        {
            foreach (var (key, value) in entries)
            {
                if (String(value) is { } text)
                {
                    map[key] = text;
                }
            }
        }
        return map;
    }

    public static Dictionary<string, string> Labels(JsonObject obj) => StringMap((obj["metadata"] as JsonObject)?["labels"]);

    /// <summary>The uids of the owners named in <c>metadata.ownerReferences</c>, with their apiVersion and kind.</summary>
    public static IEnumerable<(string ApiVersion, string Kind, string Uid, bool Controller)> Owners(JsonObject obj)
    {
        if ((obj["metadata"] as JsonObject)?["ownerReferences"] is not JsonArray references)
        {
            yield break;
        }
        foreach (var reference in references.OfType<JsonObject>())
        {
            yield return (String(reference["apiVersion"]) ?? "", String(reference["kind"]) ?? "",
                String(reference["uid"]) ?? "", Boolean(reference["controller"]) ?? false);
        }
    }

    /// <summary>An ownerReference marking <paramref name="owner"/> as the managing controller.</summary>
    public static JsonObject ControllerReference(string apiVersion, string kind, JsonObject owner) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = Name(owner),
        ["uid"] = Uid(owner),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
