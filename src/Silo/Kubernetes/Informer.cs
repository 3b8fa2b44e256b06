using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Keeps a local copy of every object of one kind: list, then watch from the list's resourceVersion
/// with bookmarks; relist when the server says the version is too old (410 Gone); back off with
/// jitter on errors (at least as long as the server asks); end a watch the server has not ended soon
/// after its jittered timeout. <see cref="Changed"/> fires after every change to the copy.
/// </summary>
public sealed class Informer(ResourceKind kind, KubernetesClient client, ILogger logger, TimeSpan? minWatchTimeout = null)
{
    private readonly TimeSpan _minWatchTimeout = minWatchTimeout ?? TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceKind Kind => kind;

    /// <summary>Completes once the first list has been loaded.</summary>
    public Task Synced => _synced.Task;

    public event Action? Changed;

    /// <summary>
    /// Told the key ("namespace/name") of each object added, modified or deleted, before <see cref="Changed"/>;
    /// after a relist, of each object that differs from the copy. <see cref="Get"/> gives its state now.
    /// </summary>
    public event Action<string>? ObjectChanged;

    /// <summary>Told of each applied watch event type ("ADDED", ...) and of each relist ("RELIST").</summary>
    public event Action<string>? Observed;

    public IReadOnlyCollection<JsonObject> Objects => (IReadOnlyCollection<JsonObject>)_objects.Values;

    public JsonObject? Get(string? ns, string name) =>
        _objects.TryGetValue(KeyOf(ns, name), out var obj) ? obj : null;

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await RelistAsync(ct).ConfigureAwait(false);
                backoff.Reset();
                await WatchUntilExpiredAsync(resourceVersion, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or KubernetesApiException or IOException or System.Text.Json.JsonException or OperationCanceledException)
            {
                logger.LogWarning("{Kind} list/watch failed, retrying: {Error}", kind.Kind, e.Message);
                await backoff.DelayAsync((e as KubernetesApiException)?.RetryAfter, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken ct)
    {
        var list = await client.ListAsync(kind, ct).ConfigureAwait(false);
        var fresh = list.Items.ToDictionary(o => KeyOf(o), StringComparer.Ordinal);
        foreach (var key in _objects.Keys.Where(k => !fresh.ContainsKey(k)).ToList())
        {
            _objects.TryRemove(key, out _);
            ObjectChanged?.Invoke(key);
        }
        foreach (var (key, obj) in fresh)
        {
            var unchanged = _objects.TryGetValue(key, out var held) && ResourceVersionOf(held) is { } version && version == ResourceVersionOf(obj);
            _objects[key] = obj;
            if (!unchanged)
            {
                ObjectChanged?.Invoke(key);
            }
        }
        Observed?.Invoke("RELIST");
        Changed?.Invoke();
        _synced.TrySetResult();
        return list.ResourceVersion;
    }

    /// <summary>
    /// Watches, resuming from the last resourceVersion seen after a server timeout or a broken stream
    /// (with backoff), until the server says that version has expired (410 Gone): then the caller relists.
    /// </summary>
    private async Task WatchUntilExpiredAsync(string resourceVersion, CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                await foreach (var ev in client.WatchAsync(kind, resourceVersion, NextWatchTimeout(), ct).ConfigureAwait(false))
                {
                    if (ev.Type == "ERROR")
                    {
                        if (ev.Object["code"]?.GetValue<int>() == (int)HttpStatusCode.Gone)
                        {
                            return;
                        }
                        throw new KubernetesApiException(
                            (HttpStatusCode)(ev.Object["code"]?.GetValue<int>() ?? 500),
                            ev.Object["reason"]?.GetValue<string>() ?? "Unknown",
                            ev.Object["message"]?.GetValue<string>() ?? "watch error");
                    }
                    resourceVersion = ResourceVersions.ResumeFrom(resourceVersion, ev.Object["metadata"]?["resourceVersion"]?.GetValue<string>());
                    Apply(ev);
                    backoff.Reset();
                }
            }
            catch (KubernetesApiException e) when (e.Status == HttpStatusCode.Gone)
            {
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or IOException or System.Text.Json.JsonException or OperationCanceledException)
            {
                logger.LogWarning("{Kind} watch broke ({Error}); resuming from {ResourceVersion}.", kind.Kind, e.Message, resourceVersion);
                await backoff.DelayAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Between the minimum and twice it, as client-go does, so many watchers do not all reconnect at once.</summary>
    private TimeSpan NextWatchTimeout() => _minWatchTimeout * (1 + Random.Shared.NextDouble());

    private void Apply(WatchEvent ev)
    {
        switch (ev.Type)
        {
            case "ADDED":
            case "MODIFIED":
                _objects[KeyOf(ev.Object)] = ev.Object;
                ObjectChanged?.Invoke(KeyOf(ev.Object));
                break;
            case "DELETED":
                _objects.TryRemove(KeyOf(ev.Object), out _);
                ObjectChanged?.Invoke(KeyOf(ev.Object));
                break;
            default:
                Observed?.Invoke(ev.Type);
                return; // BOOKMARK: only the resourceVersion moves.
        }
        Observed?.Invoke(ev.Type);
        Changed?.Invoke();
    }

    private static string? ResourceVersionOf(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    private static string KeyOf(JsonObject obj) =>
        KeyOf(obj["metadata"]?["namespace"]?.GetValue<string>(), obj["metadata"]?["name"]?.GetValue<string>() ?? "");

    private static string KeyOf(string? ns, string name) => $"{ns}/{name}";
}
