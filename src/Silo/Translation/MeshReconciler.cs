using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.Status;
using Mesh.Grains.Validation;
using Mesh.Hosting.Metrics;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Observability;
using Mesh.Silo.Status;
using Mesh.Silo.Subscriptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Translation;

/// <summary>
/// Turns the informers' objects into grain state. Once the informers have synced it loads every object
/// into the incremental translator (a full translation) and publishes all of it; after that it feeds the
/// translator only the objects that changed, and hands on only what that recomputed: the facets of the
/// touched Services to their grains, the pod directory to the hub, the touched route statuses to the
/// status writer. Changes that arrive during a pass are coalesced into the next.
/// </summary>
public sealed class MeshReconciler(
    ClusterInformers informers,
    IGrainFactory grains,
    SubscriptionHub hub,
    RouteStatusWriter statusWriter,
    SiloOptions options,
    SiloMetrics metrics,
    ILogger<MeshReconciler> logger) : BackgroundService
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _pendingGate = new();
    private HashSet<(Informer Informer, string Key)> _pending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var informer in informers.All)
        {
            informer.ObjectChanged += key =>
            {
                lock (_pendingGate)
                {
                    _pending.Add((informer, key));
                }
            };
            informer.Changed += () => _changed.Writer.TryWrite(true);
            var kind = informer.Kind.Kind;
            informer.Observed += type =>
            {
                if (type == "RELIST")
                {
                    metrics.Relists.WithLabels(new LabelValues(kind)).Add();
                }
                else
                {
                    metrics.WatchEvents.WithLabels(new LabelValues(kind, type)).Add();
                }
            };
        }
        var watching = informers.All.Select(i => i.RunAsync(stoppingToken)).ToList();
        await Task.WhenAll(informers.All.Select(i => i.Synced)).WaitAsync(stoppingToken).ConfigureAwait(false);
        logger.LogInformation("Informers synced; translating.");

        // Changes noted before the snapshot are in it; those after it are applied again (harmless: upserts of the current object).
        TakePending();
        _changed.Reader.TryRead(out _);
        var translator = await LoadAsync().ConfigureAwait(false);
        hub.MarkInitialized();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await ApplyChangesAsync(translator).ConfigureAwait(false);
        }
        await Task.WhenAll(watching).ConfigureAwait(false);
    }

    /// <summary>The full translation, at start: every Service's facets and every route's status are published.</summary>
    private async Task<IncrementalTranslator> LoadAsync()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var translator = IncrementalTranslator.From(TakeSnapshot());
        var state = translator.State;
        foreach (var (key, frontend) in state.Frontends)
        {
            await grains.GetGrain<IServiceGrain>(key).UpdateAsync(frontend, state.Backends[key]).ConfigureAwait(false);
        }
        hub.SetWorkloads(state.Workloads);
        statusWriter.PublishAll(state.RouteStatuses);
        Observe(started);
        return translator;
    }

    /// <summary>Feeds the translator the objects changed since the last pass and publishes what it recomputed.</summary>
    private async Task ApplyChangesAsync(IncrementalTranslator translator)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (informer, key) in TakePending())
        {
            Apply(translator, informer, key);
        }
        var delta = translator.Flush();
        if (delta.IsEmpty)
        {
            return;
        }
        var state = translator.State;
        foreach (var key in delta.Services)
        {
            await grains.GetGrain<IServiceGrain>(key)
                .UpdateAsync(state.Frontends.GetValueOrDefault(key), state.Backends.GetValueOrDefault(key)).ConfigureAwait(false);
        }
        if (delta.WorkloadsChanged)
        {
            hub.SetWorkloads(state.Workloads);
        }
        if (delta.RouteStatuses.Count > 0)
        {
            statusWriter.Publish(delta.RouteStatuses);
        }
        Observe(started);
    }

    private void Observe(long started)
    {
        metrics.Passes.WithLabels(default).Add();
        metrics.PassDuration.WithLabels(default).Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private List<(Informer Informer, string Key)> TakePending()
    {
        lock (_pendingGate)
        {
            var pending = _pending;
            _pending = [];
            return [.. pending];
        }
    }

    /// <summary>One object's current state (or its absence) into the translator, read the same way as for the full snapshot.</summary>
    private void Apply(IncrementalTranslator translator, Informer informer, string informerKey)
    {
        var slash = informerKey.IndexOf('/', StringComparison.Ordinal);
        var ns = slash > 0 ? informerKey[..slash] : null;
        var key = new ObjectKey(ns ?? "default", informerKey[(slash + 1)..]);
        var obj = informer.Get(ns, key.Name);
        if (informer == informers.Services)
        {
            UpsertOrRemove<Service>(informer, obj, translator.Upsert, () => translator.RemoveService(key));
        }
        else if (informer == informers.EndpointSlices)
        {
            UpsertOrRemove<EndpointSlice>(informer, obj, translator.Upsert, () => translator.RemoveEndpointSlice(key));
        }
        else if (informer == informers.Pods)
        {
            UpsertOrRemove<Pod>(informer, obj, translator.Upsert, () => translator.RemovePod(key));
        }
        else if (informer == informers.ReferenceGrants)
        {
            UpsertOrRemove<ReferenceGrant>(informer, obj is not null && IsValid(informer, obj) ? obj : null, translator.Upsert,
                () => translator.RemoveReferenceGrant(key));
        }
        else if (informer == informers.HttpRoutes)
        {
            ApplyRoute<HttpRoute>(informer, obj, key, translator.Upsert, translator.Upsert, translator.RemoveRoute, r => r.Metadata, r => r.Spec.ParentRefs);
        }
        else if (informer == informers.GrpcRoutes)
        {
            ApplyRoute<GrpcRoute>(informer, obj, key, translator.Upsert, translator.Upsert, translator.RemoveRoute, r => r.Metadata, r => r.Spec.ParentRefs);
        }
    }

    /// <summary>An object that is there and reads is upserted; one that is gone (or unreadable) is removed.</summary>
    private void UpsertOrRemove<T>(Informer informer, JsonObject? obj, Action<T> upsert, Action remove) where T : class
    {
        if (obj is not null && TryRead<T>(informer, obj) is { } typed)
        {
            upsert(typed);
        }
        else
        {
            remove();
        }
    }

    private void ApplyRoute<T>(Informer informer, JsonObject? obj, ObjectKey key, Action<T> upsert, Action<InvalidRoute> upsertInvalid,
        Action<string, ObjectKey> remove, Func<T, ObjectMeta> metadata, Func<T, List<ParentReference>?> parents) where T : class
    {
        switch (obj is null ? null : ReadRoute(informer, obj, metadata, parents))
        {
            case (T route, _):
                upsert(route);
                break;
            case (_, InvalidRoute invalid):
                upsertInvalid(invalid);
                break;
            default:
                remove(informer.Kind.Kind, key);
                break;
        }
    }

    /// <summary>A route as <see cref="StoredRoute"/> reads it: valid, or set aside with the reason for its status; null when it does not read.</summary>
    private (T? Valid, InvalidRoute? Invalid)? ReadRoute<T>(Informer informer, JsonObject obj, Func<T, ObjectMeta> metadata,
        Func<T, List<ParentReference>?> parents) where T : class
    {
        var read = StoredRoute.Read<T>(informer.Kind.Kind, obj, metadata, parents);
        if (read.Unreadable is { } error)
        {
            logger.LogWarning("Skipping {Kind} {Name}: {Error}", informer.Kind.Kind, NameOf(obj), error.Message);
            return null;
        }
        return (read.Valid, read.Invalid);
    }

    private T? TryRead<T>(Informer informer, JsonObject obj) where T : class
    {
        try
        {
            return KubernetesJson.Read<T>(obj);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Skipping {Kind} {Name}: {Error}", informer.Kind.Kind, NameOf(obj), e.Message);
            return null;
        }
    }

    private bool IsValid(Informer informer, JsonObject obj)
    {
        if (GatewayApiValidation.Validate(informer.Kind.Kind, obj).Count == 0)
        {
            return true;
        }
        logger.LogWarning("Ignoring invalid {Kind} {Name}.", informer.Kind.Kind, NameOf(obj));
        return false;
    }

    private MeshSnapshot TakeSnapshot()
    {
        var invalid = new List<InvalidRoute>();
        return new MeshSnapshot
        {
            Services = ReadAll<Service>(informers.Services),
            EndpointSlices = ReadAll<EndpointSlice>(informers.EndpointSlices),
            Pods = ReadAll<Pod>(informers.Pods),
            HttpRoutes = ReadRoutes<HttpRoute>(informers.HttpRoutes, invalid, r => r.Metadata, r => r.Spec.ParentRefs),
            GrpcRoutes = ReadRoutes<GrpcRoute>(informers.GrpcRoutes, invalid, r => r.Metadata, r => r.Spec.ParentRefs),
            ReferenceGrants = ReadAll<ReferenceGrant>(informers.ReferenceGrants, onlyValid: true),
            InvalidRoutes = invalid,
            RequireReferenceGrants = options.RequireReferenceGrants,
        };
    }

    /// <summary>Every route of an informer, read by <see cref="ReadRoute"/>: the valid ones returned, the others added to <paramref name="invalid"/>.</summary>
    private List<T> ReadRoutes<T>(Informer informer, List<InvalidRoute> invalid, Func<T, ObjectMeta> metadata, Func<T, List<ParentReference>?> parents)
        where T : class
    {
        var result = new List<T>();
        foreach (var obj in informer.Objects)
        {
            switch (ReadRoute(informer, obj, metadata, parents))
            {
                case (T route, _):
                    result.Add(route);
                    break;
                case (_, InvalidRoute refused):
                    invalid.Add(refused);
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// Typed views of an informer's objects; an object that does not parse is skipped, not fatal. With
    /// <paramref name="onlyValid"/>, objects that break the Gateway API CRD rules are skipped too.
    /// </summary>
    private List<T> ReadAll<T>(Informer informer, bool onlyValid = false) where T : class =>
        informer.Objects
            .Where(obj => !onlyValid || IsValid(informer, obj))
            .Select(obj => TryRead<T>(informer, obj))
            .OfType<T>()
            .ToList();

    private static string NameOf(JsonObject obj) =>
        $"{obj["metadata"]?["namespace"]}/{obj["metadata"]?["name"]}";
}
