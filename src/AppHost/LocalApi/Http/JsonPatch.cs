using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// JSON patch (RFC 6902), which <c>kubectl patch --type=json</c> sends: add, remove, replace, move, copy and test,
/// at JSON pointers (RFC 6901). Operations apply in order to a copy; one that fails leaves the object as it was,
/// and the API server's answer to it, a 422, says which and why.
/// </summary>
internal static class JsonPatch
{
    public const string MediaType = "application/json-patch+json";

    /// <exception cref="LocalApiException">400 for a patch that is not a list of operations; 422 for one that does not apply.</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiErrors.BadRequest("a JSON patch is a list of operations");
        }
        JsonNode? document = target.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation || ObjectMeta.String(operation["op"]) is not { } op || ObjectMeta.String(operation["path"]) is not { } path)
            {
                throw ApiErrors.BadRequest($"JSON patch operation {i} needs \"op\" and \"path\"");
            }
            document = op switch
            {
                "add" => Add(document, Pointer(path), Value(operation, op)),
                "remove" => Remove(document, Pointer(path), out _),
                "replace" => Replace(document, Pointer(path), Value(operation, op)),
                "move" => Move(document, Pointer(From(operation, op)), Pointer(path)),
                "copy" => Add(document, Pointer(path), Get(document, Pointer(From(operation, op)))?.DeepClone()),
                "test" => Test(document, Pointer(path), Value(operation, op)),
                _ => throw ApiErrors.BadRequest($"JSON patch operation {i}: unknown op \"{op}\""),
            };
        }
        return document as JsonObject ?? throw Failed("the patched document is not an object");
    }

    private static JsonNode? Replace(JsonNode? document, List<string> path, JsonNode? value) =>
        path.Count == 0 ? value : Add(Remove(document, path, out _), path, value);

    private static JsonNode? Move(JsonNode? document, List<string> from, List<string> path)
    {
        if (path.Count > from.Count && path.Take(from.Count).SequenceEqual(from))
        {
            throw Failed($"cannot move {Format(from)} into itself");
        }
        document = Remove(document, from, out var moved);
        return Add(document, path, moved);
    }

    private static JsonNode? Test(JsonNode? document, List<string> path, JsonNode? expected) =>
        JsonNode.DeepEquals(Get(document, path), expected) ? document : throw Failed($"testing value {Format(path)} failed");

    private static JsonNode? Add(JsonNode? document, List<string> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            return value;
        }
        var parent = Get(document, path[..^1]);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array:
                var index = last == "-" ? array.Count : Index(array, last, path, allowEnd: true);
                array.Insert(index, value);
                break;
            default:
                throw Failed($"doc is missing path: {Format(path)}");
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, List<string> path, out JsonNode? removed)
    {
        if (path.Count == 0)
        {
            throw Failed("cannot remove the whole document");
        }
        var parent = Get(document, path[..^1]);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                removed = obj[last];
                obj.Remove(last);
                break;
            case JsonArray array:
                var index = Index(array, last, path, allowEnd: false);
                removed = array[index];
                array.RemoveAt(index);
                break;
            default:
                throw Failed($"doc is missing path: {Format(path)}");
        }
        return document;
    }

    private static JsonNode? Get(JsonNode? document, List<string> path)
    {
        var node = document;
        for (var i = 0; i < path.Count; i++)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(path[i], out var child) => child,
                JsonArray array => array[Index(array, path[i], path, allowEnd: false)],
                _ => throw Failed($"doc is missing path: {Format(path)}"),
            };
        }
        return node;
    }

    private static int Index(JsonArray array, string token, List<string> path, bool allowEnd)
    {
        // RFC 6901: digits without leading zeros.
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit)
            || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Failed($"{Format(path)}: \"{token}\" is not an array index");
        }
        return index < array.Count || (allowEnd && index == array.Count) ? index : throw Failed($"{Format(path)}: index {index} is out of bounds");
    }

    /// <summary>RFC 6901: "" is the whole document; else "/" and tokens, "~1" meaning "/" and "~0" meaning "~".</summary>
    private static List<string> Pointer(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }
        if (pointer[0] != '/')
        {
            throw ApiErrors.BadRequest($"JSON pointer \"{pointer}\" does not start with \"/\"");
        }
        return [.. pointer[1..].Split('/').Select(token => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static string Format(List<string> path) => "/" + string.Join('/', path);

    private static JsonNode? Value(JsonObject operation, string op) =>
        operation.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw ApiErrors.BadRequest($"JSON patch \"{op}\" needs a \"value\"");

    private static string From(JsonObject operation, string op) =>
        ObjectMeta.String(operation["from"]) ?? throw ApiErrors.BadRequest($"JSON patch \"{op}\" needs a \"from\"");

    private static LocalApiException Failed(string why) => new(422, "Invalid", $"the server rejected our request due to an error in our request: {why}");
}
