using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// The <c>pod-template-hash</c> of a Deployment's pod template: 10 hex digits of a hash over the template
/// with object keys sorted, so the same template written in another key order gives the same pods.
/// </summary>
internal static class TemplateHash
{
    public static string Compute(JsonNode? template)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteSorted(writer, template);
        }
        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()))[..10];
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
