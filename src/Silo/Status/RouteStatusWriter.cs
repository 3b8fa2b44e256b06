using System.Net;
using System.Threading.Channels;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Status;
using Mesh.Hosting.Metrics;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Status;

/// <summary>
/// Writes route status through the status subresource, only when one of Mesh's conditions really changed.
/// Entries of other controllers are kept as they are; lastTransitionTime moves only when a condition's
/// status does. Each route's latest desired status replaces any not yet written (coalesced per route,
/// never queued twice), and writes are rate limited by a token bucket so a burst of changes (a relist,
/// a new leader) does not flood the API server; checks that find nothing to write cost no token. A route
/// that has no Service parent any more has Mesh's entries removed ("controllers should ensure that entries
/// to status populated with their ControllerName are cleaned up when they are no longer necessary").
/// </summary>
public sealed class RouteStatusWriter : BackgroundService
{
    private readonly ClusterInformers _informers;
    private readonly KubernetesClient _client;
    private readonly LeaseElector _elector;
    private readonly SiloMetrics _metrics;
    private readonly ILogger<RouteStatusWriter> _logger;
    private readonly TokenBucket _bucket;
    private readonly TimeProvider _time;

    /// <summary>How long a route whose write conflicted or failed waits before it is tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The desired status of a route that has none any more: no entries of Mesh's. Kept only until written.</summary>
    private static readonly RouteStatus Cleared = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RouteStatus> _desired = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public RouteStatusWriter(
        ClusterInformers informers, KubernetesClient client, LeaseElector elector, SiloMetrics metrics, SiloOptions options,
        ILogger<RouteStatusWriter> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _informers = informers;
        _client = client;
        _elector = elector;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _bucket = new TokenBucket(options.StatusWritesPerSecond, options.StatusWriteBurst, _time);
        // A silo that becomes leader writes what it computed while it was not.
        _elector.Elected += () =>
        {
            lock (_gate)
            {
                foreach (var key in _desired.Keys)
                {
                    MarkPending(key);
                }
            }
            _wake.Writer.TryWrite(true);
        };
    }

    /// <summary>New desired statuses by status key ("Kind:namespace/name"); null: the route has none any more.</summary>
    public void Publish(IReadOnlyCollection<KeyValuePair<string, RouteStatus?>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            foreach (var (key, status) in changes)
            {
                _desired[key] = status ?? Cleared;
                MarkPending(key);
            }
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Every route's desired status, from a full translation: those published, and every other route the informers
    /// hold with an entry of Mesh's cleared (its parentRefs changed while no silo was watching).
    /// </summary>
    public void PublishAll(IReadOnlyDictionary<string, RouteStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var changes = statuses.Select(s => new KeyValuePair<string, RouteStatus?>(s.Key, s.Value)).ToList();
        foreach (var routes in new[] { _informers.HttpRoutes, _informers.GrpcRoutes })
        {
            foreach (var route in routes.Objects)
            {
                if (Text(route["metadata"]?["namespace"]) is not { } ns || Text(route["metadata"]?["name"]) is not { } name)
                {
                    continue;
                }
                var key = MeshState.StatusKey(routes.Kind.Kind, new ObjectKey(ns, name));
                if (!statuses.ContainsKey(key) && RouteStatusMerge.HasEntriesOfMesh(route))
                {
                    changes.Add(new(key, null));
                }
            }
        }
        Publish(changes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (_elector.IsLeader && TakeNext() is { } next)
                {
                    var (kind, route) = MeshState.ParseStatusKey(next.Key);
                    if (await WriteIfChangedAsync(_informers.RoutesOf(kind), route, next.Status, stoppingToken).ConfigureAwait(false))
                    {
                        ForgetIfCleared(next.Key, next.Status);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void MarkPending(string key)
    {
        if (_pending.Add(key))
        {
            _pendingOrder.Enqueue(key);
        }
    }

    /// <summary>The oldest pending route with its latest desired status; routes whose status went away are dropped.</summary>
    private (string Key, RouteStatus Status)? TakeNext()
    {
        lock (_gate)
        {
            while (_pendingOrder.TryDequeue(out var key))
            {
                _pending.Remove(key);
                if (_desired.TryGetValue(key, out var status))
                {
                    return (key, status);
                }
            }
            return null;
        }
    }

    /// <summary>A cleared status, once written (or found with nothing to clear), is no longer kept: the route is no concern of Mesh's.</summary>
    private void ForgetIfCleared(string key, RouteStatus written)
    {
        lock (_gate)
        {
            if (ReferenceEquals(written, Cleared) && _desired.TryGetValue(key, out var current) && ReferenceEquals(current, Cleared) && !_pending.Contains(key))
            {
                _desired.Remove(key);
            }
        }
    }

    /// <returns>False when the write is to be tried again later.</returns>
    private async Task<bool> WriteIfChangedAsync(Informer routes, ObjectKey key, RouteStatus desired, CancellationToken ct)
    {
        if (Merge(routes, key, desired) is null)
        {
            return true;
        }
        await _bucket.TakeAsync(ct).ConfigureAwait(false);
        // The route may have changed while this waited for a token: merge into what is there now.
        if (Merge(routes, key, desired) is not { } updated)
        {
            return true;
        }
        try
        {
            await _client.ReplaceStatusAsync(routes.Kind, updated, ct).ConfigureAwait(false);
            _metrics.StatusWrites.WithLabels(new LabelValues("written")).Add();
        }
        catch (KubernetesApiException e) when (e.Status is HttpStatusCode.NotFound)
        {
            _logger.LogDebug("Status of {Route} not written, the route is gone: {Error}", key, e.Message);
        }
        catch (KubernetesApiException e) when (e.Status is HttpStatusCode.Conflict)
        {
            // Someone else (another controller's parent entry, a spec change) wrote first. The desired
            // status may well be unchanged, so nothing else would bring this route back: try again once
            // the watch has had time to deliver the newer object, merging into that.
            _metrics.StatusWrites.WithLabels(new LabelValues("conflict")).Add();
            _logger.LogDebug("Status of {Route} conflicted; retrying: {Error}", key, e.Message);
            RetryLater(StatusKeyOf(routes, key), ct);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or KubernetesApiException)
        {
            _metrics.StatusWrites.WithLabels(new LabelValues("error")).Add();
            var transient = e is HttpRequestException || e is KubernetesApiException { Status: HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError };
            _logger.LogWarning("Status of {Route} not written{Retry}: {Error}", key, transient ? "; retrying" : "", e.Message);
            if (transient)
            {
                RetryLater(StatusKeyOf(routes, key), ct);
                return false;
            }
        }
        return true;
    }

    /// <summary>Puts a route back in the queue after <see cref="RetryDelay"/>, unless its status went away meanwhile.</summary>
    private void RetryLater(string statusKey, CancellationToken ct) =>
        _ = Task.Delay(RetryDelay, _time, ct).ContinueWith(delay =>
        {
            if (delay.IsCanceled)
            {
                return;
            }
            lock (_gate)
            {
                if (_desired.ContainsKey(statusKey))
                {
                    MarkPending(statusKey);
                }
            }
            _wake.Writer.TryWrite(true);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private static string? Text(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string StatusKeyOf(Informer routes, ObjectKey key) => MeshState.StatusKey(routes.Kind.Kind, key);

    private static System.Text.Json.Nodes.JsonObject? Merge(Informer routes, ObjectKey key, RouteStatus desired) =>
        routes.Get(key.Namespace, key.Name) is { } current ? RouteStatusMerge.Merge(current, desired, DateTimeOffset.UtcNow) : null;
}
