using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Http.Tables;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Selectors;
using Mesh.AppHost.LocalApi.Store;
using Microsoft.AspNetCore.Http;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// Turns store events into one watcher's view of them. With a selector, an object that starts matching
/// arrives as ADDED and one that stops matching as DELETED (its last matching state, at the new
/// resourceVersion), as the real server's watch cache does.
/// </summary>
internal sealed class WatchEventWriter(HttpResponse response, ResourceKind kind, ObjectFilter filter, bool table, string? includeObject)
{
    private bool _columnsWritten;

    public Task WriteAsync(WatchEvent change, CancellationToken ct)
    {
        if (change.Type == WatchEventType.Bookmark)
        {
            return WriteBookmarkAsync(change.Revision, initialEventsEnd: false, ct);
        }
        var matches = filter.Matches(change.Object!);
        var matched = change.Previous is { } previous && filter.Matches(previous);
        return (change.Type, matches, matched) switch
        {
            (WatchEventType.Added, true, _) => WriteObjectAsync("ADDED", change.Object!, ct),
            (WatchEventType.Modified, true, true) => WriteObjectAsync("MODIFIED", change.Object!, ct),
            (WatchEventType.Modified, true, false) => WriteObjectAsync("ADDED", change.Object!, ct),
            (WatchEventType.Modified, false, true) => WriteObjectAsync("DELETED", AtRevision(change.Previous!, change.Revision), ct),
            (WatchEventType.Deleted, true, _) => WriteObjectAsync("DELETED", change.Object!, ct),
            _ => Task.CompletedTask,
        };
    }

    public Task WriteBookmarkAsync(long revision, bool initialEventsEnd, CancellationToken ct)
    {
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }
        var bookmark = new JsonObject { ["kind"] = kind.Kind, ["apiVersion"] = kind.ApiVersion, ["metadata"] = metadata };
        return WriteLineAsync("BOOKMARK", JsonBytes.Serialize(bookmark), ct);
    }

    public async Task WriteErrorAsync(LocalApiException error, CancellationToken ct)
    {
        await WriteLineAsync("ERROR", JsonBytes.Serialize(error.ToStatus()), ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private Task WriteObjectAsync(string type, StoredObject obj, CancellationToken ct)
    {
        if (!table)
        {
            return WriteLineAsync(type, obj.Json, ct);
        }
        var rows = TableBuilder.Build(kind, [obj], obj.ResourceVersion, includeObject, withColumns: !_columnsWritten);
        _columnsWritten = true;
        return WriteLineAsync(type, JsonBytes.Serialize(rows), ct);
    }

    private static StoredObject AtRevision(StoredObject obj, long revision)
    {
        var copy = obj.ToJsonObject();
        ObjectMeta.SetResourceVersion(copy, revision);
        return StoredObject.Capture(obj.Kind, copy);
    }

    private async Task WriteLineAsync(string type, byte[] obj, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(obj.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer, JsonBytes.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            writer.WriteRawValue(obj, skipInputValidation: true);
            writer.WriteEndObject();
        }
        buffer.Write("\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
    }
}
