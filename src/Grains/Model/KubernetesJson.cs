using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mesh.Grains.Model;

/// <summary>The JSON conventions of the Kubernetes API: camelCase names, absent rather than null fields.</summary>
public static class KubernetesJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new Rfc3339TimeConverter() },
    };

    /// <summary>Reads a typed view of an object; unknown fields stay in the original JsonObject.</summary>
    public static T Read<T>(JsonNode node) => node.Deserialize<T>(Options)
        ?? throw new JsonException($"Expected a {typeof(T).Name} object.");

    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options);
}
