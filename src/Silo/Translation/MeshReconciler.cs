using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
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
/// Turns the informers' objects into grain state: after any change it takes a snapshot, runs the pure
/// GAMMA translation, and hands each Service's facets to its grain, the pod directory to the hub and the
/// route status to the status writer. Changes that arrive during a pass are coalesced into the next.
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
    private HashSet<string> _knownServices = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var informer in informers.All)
        {
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

        while (!stoppingToken.IsCancellationRequested)
        {
            _changed.Reader.TryRead(out _);
            await ReconcileAsync().ConfigureAwait(false);
            hub.MarkInitialized();
            try
            {
                await _changed.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(watching).ConfigureAwait(false);
    }

    private async Task ReconcileAsync()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var state = MeshTranslator.Translate(TakeSnapshot());
        var present = new HashSet<string>(state.Frontends.Keys, StringComparer.Ordinal);
        foreach (var (key, frontend) in state.Frontends)
        {
            await grains.GetGrain<IServiceGrain>(key).UpdateAsync(frontend, state.Backends[key]).ConfigureAwait(false);
        }
        foreach (var gone in _knownServices.Where(k => !present.Contains(k)))
        {
            await grains.GetGrain<IServiceGrain>(gone).UpdateAsync(null, null).ConfigureAwait(false);
        }
        _knownServices = present;
        hub.SetWorkloads(state.Workloads);
        statusWriter.Publish(state.RouteStatuses);
        metrics.Passes.WithLabels(default).Add();
        metrics.PassDuration.WithLabels(default).Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
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

    /// <summary>
    /// Routes re-checked against the CRD rules (a cluster's installed CRDs may be older or looser than
    /// the ones Mesh implements): those that fail are set aside with the reason, for their status.
    /// </summary>
    private List<T> ReadRoutes<T>(Informer informer, List<InvalidRoute> invalid, Func<T, ObjectMeta> metadata, Func<T, List<ParentReference>?> parents)
    {
        var result = new List<T>();
        foreach (var obj in informer.Objects)
        {
            var errors = GatewayApiValidation.Validate(informer.Kind.Kind, obj);
            T route;
            try
            {
                route = KubernetesJson.Read<T>(obj);
            }
            catch (JsonException e)
            {
                logger.LogWarning("Skipping {Kind} {Name}: {Error}", informer.Kind.Kind, NameOf(obj), e.Message);
                continue;
            }
            if (errors.Count == 0)
            {
                result.Add(route);
                continue;
            }
            var reason = string.Join("; ", errors.Take(3).Select(e => $"{e.Field}: {e.Message}"));
            invalid.Add(new InvalidRoute(informer.Kind.Kind, metadata(route), parents(route), reason));
        }
        return result;
    }

    /// <summary>
    /// Typed views of an informer's objects; an object that does not parse is skipped, not fatal. With
    /// <paramref name="onlyValid"/>, objects that break the Gateway API CRD rules are skipped too.
    /// </summary>
    private List<T> ReadAll<T>(Informer informer, bool onlyValid = false)
    {
        var result = new List<T>();
        foreach (var obj in informer.Objects)
        {
            if (onlyValid && GatewayApiValidation.Validate(informer.Kind.Kind, obj).Count > 0)
            {
                logger.LogWarning("Ignoring invalid {Kind} {Name}.", informer.Kind.Kind, NameOf(obj));
                continue;
            }
            try
            {
                result.Add(KubernetesJson.Read<T>(obj));
            }
            catch (JsonException e)
            {
                logger.LogWarning("Skipping {Kind} {Name}: {Error}", informer.Kind.Kind, NameOf(obj), e.Message);
            }
        }
        return result;
    }

    private static string NameOf(JsonObject obj) =>
        $"{obj["metadata"]?["namespace"]}/{obj["metadata"]?["name"]}";
}
