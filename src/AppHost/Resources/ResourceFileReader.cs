using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Objects;
using YamlDotNet.Core;

namespace Mesh.AppHost.Resources;

/// <summary>
/// Reads the Kubernetes objects of one file: YAML with any number of documents, or JSON holding one
/// object or an array. A <c>List</c> (or any <c>XxxList</c>, as <c>kubectl get -o</c> writes) contributes
/// its items. Every object must name its apiVersion, kind and name.
/// </summary>
public static class ResourceFileReader
{
    /// <exception cref="InvalidDataException">The file does not parse or holds something that is not an object; the message names the file.</exception>
    public static List<ResourceDocument> Read(string path)
    {
        List<JsonNode> documents;
        try
        {
            var text = File.ReadAllText(path);
            documents = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
                ? [.. ParseJson(text)]
                : YamlToJson.ReadDocuments(text);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
        var result = new List<ResourceDocument>();
        for (var i = 0; i < documents.Count; i++)
        {
            var source = documents.Count == 1 ? path : $"{path} (document {i + 1})";
            foreach (var obj in Flatten(documents[i], source))
            {
                Check(obj, source);
                result.Add(new ResourceDocument(obj, source));
            }
        }
        return result;
    }

    private static IEnumerable<JsonNode> ParseJson(string text)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        return JsonNode.Parse(text, documentOptions: options) is { } node ? [node] : [];
    }

    private static IEnumerable<JsonObject> Flatten(JsonNode node, string source)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var obj in Flatten(item ?? throw new InvalidDataException($"{source}: null in a list of objects"), source))
                    {
                        yield return obj;
                    }
                }
                break;
            case JsonObject list when ObjectMeta.String(list["kind"]) is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && list["items"] is JsonArray items:
                foreach (var item in items)
                {
                    if (item is not JsonObject obj)
                    {
                        throw new InvalidDataException($"{source}: the items of a {kind} must be objects");
                    }
                    // Typed lists (PodList from kubectl get -o yaml) may leave apiVersion and kind off their items.
                    if (kind != "List")
                    {
                        obj["apiVersion"] ??= list["apiVersion"]?.DeepClone();
                        obj["kind"] ??= kind[..^"List".Length];
                    }
                    yield return obj;
                }
                break;
            case JsonObject obj:
                yield return obj;
                break;
            default:
                throw new InvalidDataException($"{source}: expected a Kubernetes object, found {node.GetValueKind()}");
        }
    }

    private static void Check(JsonObject obj, string source)
    {
        if (ObjectMeta.String(obj["apiVersion"]) is not { Length: > 0 })
        {
            throw new InvalidDataException($"{source}: an object has no apiVersion");
        }
        if (ObjectMeta.String(obj["kind"]) is not { Length: > 0 })
        {
            throw new InvalidDataException($"{source}: an object has no kind");
        }
        if (obj["metadata"] is not JsonObject || (ObjectMeta.Name(obj).Length == 0 && ObjectMeta.MetadataString(obj, "generateName") is not { Length: > 0 }))
        {
            throw new InvalidDataException($"{source}: a {ObjectMeta.String(obj["kind"])} has no metadata.name");
        }
    }
}
