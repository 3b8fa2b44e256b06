using System.Text.Json;
using Mesh.Grains.Model;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Subscription;

/// <summary>
/// Keeps the held state on disk so a restarted proxy serves its last good tables at once, even when no
/// silo answers, and resumes its subscription from those versions. Written atomically (temp file,
/// then rename), so a crash mid-write leaves the previous snapshot.
/// </summary>
public sealed class SnapshotFile(string path, ILogger logger)
{
    public HeldState? TryLoad()
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<HeldState>(File.ReadAllBytes(path), KubernetesJson.Options);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Ignoring the snapshot {Path}: {Error}", path, e.Message);
            return null;
        }
    }

    public async Task SaveAsync(HeldState state, CancellationToken ct)
    {
        var temporary = path + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, KubernetesJson.Options);
        await File.WriteAllBytesAsync(temporary, bytes, ct).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
