using System.Net;
using System.Text.Json.Nodes;
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
/// status does. The latest desired status replaces any not yet written (coalesced, never queued).
/// </summary>
public sealed class RouteStatusWriter : BackgroundService
{
    private readonly ClusterInformers _informers;
    private readonly KubernetesClient _client;
    private readonly LeaseElector _elector;
    private readonly SiloMetrics _metrics;
    private readonly ILogger<RouteStatusWriter> _logger;

    public RouteStatusWriter(
        ClusterInformers informers, KubernetesClient client, LeaseElector elector, SiloMetrics metrics, ILogger<RouteStatusWriter> logger)
    {
        _informers = informers;
        _client = client;
        _elector = elector;
        _metrics = metrics;
        _logger = logger;
        // A silo that becomes leader writes what it computed while it was not.
        _elector.Elected += () =>
        {
            if (Volatile.Read(ref _latest) is { } latest)
            {
                _desired.Writer.TryWrite(latest);
            }
        };
    }

    private IReadOnlyDictionary<string, RouteStatus>? _latest;

    private readonly Channel<IReadOnlyDictionary<string, RouteStatus>> _desired =
        Channel.CreateBounded<IReadOnlyDictionary<string, RouteStatus>>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public void Publish(IReadOnlyDictionary<string, RouteStatus> statuses)
    {
        Volatile.Write(ref _latest, statuses);
        _desired.Writer.TryWrite(statuses);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var statuses in _desired.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!_elector.IsLeader)
                {
                    continue;
                }
                foreach (var (key, status) in statuses)
                {
                    var (kind, route) = MeshState.ParseStatusKey(key);
                    await WriteIfChangedAsync(_informers.RoutesOf(kind), route, status, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteIfChangedAsync(Informer routes, ObjectKey key, RouteStatus desired, CancellationToken ct)
    {
        var current = routes.Get(key.Namespace, key.Name);
        if (current is null)
        {
            return;
        }
        var updated = RouteStatusMerge.Merge(current, desired, DateTimeOffset.UtcNow);
        if (updated is null)
        {
            return;
        }
        try
        {
            await _client.ReplaceStatusAsync(routes.Kind, updated, ct).ConfigureAwait(false);
            _metrics.StatusWrites.WithLabels(new LabelValues("written")).Add();
        }
        catch (KubernetesApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // The route changed or went away meanwhile; its watch event brings a new pass.
            _metrics.StatusWrites.WithLabels(new LabelValues("conflict")).Add();
            _logger.LogDebug("Status of {Route} not written: {Error}", key, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or KubernetesApiException)
        {
            _metrics.StatusWrites.WithLabels(new LabelValues("error")).Add();
            _logger.LogWarning("Status of {Route} not written: {Error}", key, e.Message);
        }
    }
}
