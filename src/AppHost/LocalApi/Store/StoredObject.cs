using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;

namespace Mesh.AppHost.LocalApi.Store;

/// <summary>
/// One version of an object, immutable: its serialized JSON plus the fields lists and watches filter on.
/// Readers on any thread materialize their own <see cref="JsonObject"/> from the bytes.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(ResourceKind kind, byte[] json, JsonObject obj)
    {
        Kind = kind;
        Json = json;
        Namespace = ObjectMeta.Namespace(obj);
        Name = ObjectMeta.Name(obj);
        Uid = ObjectMeta.Uid(obj);
        ResourceVersion = long.Parse(ObjectMeta.ResourceVersion(obj) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Labels = ObjectMeta.Labels(obj);
    }

    public ResourceKind Kind { get; }
    public byte[] Json { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string Uid { get; }
    public long ResourceVersion { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }

    public static StoredObject Capture(ResourceKind kind, JsonObject obj) => new(kind, JsonBytes.Serialize(obj), obj);

    public JsonObject ToJsonObject() => JsonBytes.ParseObject(Json);
}
