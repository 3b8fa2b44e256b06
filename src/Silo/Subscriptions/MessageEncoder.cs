using System.Runtime.CompilerServices;
using System.Text.Json;
using Mesh.Grains.Model;
using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// Encodes subscription messages as one JSON line each. A facet is serialized once per version and the
/// bytes shared by every subscriber it goes to: with a thousand proxies, encoding is otherwise the
/// silo's largest cost. The cache lives as long as the versioned facet instance the grain holds.
/// </summary>
public static class MessageEncoder
{
    private static readonly ConditionalWeakTable<object, byte[]> Facets = new();

    /// <summary>The shared message's line, encoded at most once.</summary>
    public static byte[] Encode(SharedMessage message) => (message ?? throw new ArgumentNullException(nameof(message))).Bytes;

    public static byte[] Encode(SubscriptionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", message.Type);
            if (message.Key is { } key)
            {
                writer.WriteString("key", key);
            }
            if (message.Removed is { } removed)
            {
                writer.WriteBoolean("removed", removed);
            }
            WriteFacet(writer, "frontend", message.Frontend);
            WriteFacet(writer, "backend", message.Backend);
            WriteFacet(writer, "directory", message.Directory);
            WriteFacet(writer, "workloads", message.Workloads);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteFacet<T>(Utf8JsonWriter writer, string name, T? facet) where T : class
    {
        if (facet is null)
        {
            return;
        }
        var bytes = Facets.GetValue(facet, static f => JsonSerializer.SerializeToUtf8Bytes(f, f.GetType(), KubernetesJson.Options));
        writer.WritePropertyName(name);
        writer.WriteRawValue(bytes, skipInputValidation: true);
    }
}
