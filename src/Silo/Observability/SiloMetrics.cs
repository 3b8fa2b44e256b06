using Mesh.Grains.Runtime;
using Mesh.Hosting.Metrics;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Subscriptions;

namespace Mesh.Silo.Observability;

/// <summary>What a silo counts: watch events, translation passes, status writes, subscribers and their lag.</summary>
public sealed class SiloMetrics
{
    public SiloMetrics(ClusterInformers informers, SubscriptionHub hub, LeaseElector elector, LocalGrainRuntime? grains = null)
    {
        ArgumentNullException.ThrowIfNull(elector);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(hub);
        WatchEvents = Registry.Register(new CounterFamily("mesh_silo_watch_events_total", "Watch events applied, by kind and type.", "kind", "type"));
        Relists = Registry.Register(new CounterFamily("mesh_silo_relists_total", "Full lists of a kind (start, 410 Gone, errors).", "kind"));
        Passes = Registry.Register(new CounterFamily("mesh_silo_translation_passes_total", "GAMMA translation passes."));
        PassDuration = Registry.Register(new HistogramFamily("mesh_silo_translation_duration_seconds",
            "Time of one translation pass, snapshot to grains.", HistogramFamily.LatencySeconds));
        StatusWrites = Registry.Register(new CounterFamily("mesh_silo_status_writes_total", "Route status updates written, by result.", "result"));
        Registry.Register(new GaugeFamily("mesh_silo_objects", "Objects held by the informers, by kind.", ["kind"],
            () => informers.All.Select(i => (new LabelValues(i.Kind.Kind), (double)i.Objects.Count))));
        Registry.Register(new GaugeFamily("mesh_silo_subscribers", "Proxies subscribed.", [], () => [(default, hub.SubscriberCount)]));
        Registry.Register(new GaugeFamily("mesh_silo_change_log_entries", "Entries in the subscription change log.", [], () => [(default, hub.ChangeLogLength)]));
        Registry.Register(new GaugeFamily("mesh_silo_subscriber_pending_services",
            "Services changed but not yet sent, per proxy (how far behind it is).", ["proxy"],
            () => hub.Subscribers.Select(s => (new LabelValues(s.Proxy), (double)s.PendingServices))));
        Registry.Register(new GaugeFamily("mesh_silo_leader", "1 while this silo holds the status-writer lease.", [],
            () => [(default, elector.IsLeader ? 1 : 0)]));
        Registry.Register(new GaugeFamily("mesh_silo_services", "Service grains with state.", [], () => [(default, hub.ServiceCount)]));
        Registry.Register(hub.PushLatency);
        if (grains is not null)
        {
            Registry.Register(new GaugeFamily("mesh_silo_grain_activations", "Service grains activated in this silo.", [],
                () => [(default, grains.ActivationCount)]));
        }
    }

    public MetricRegistry Registry { get; } = new();
    public CounterFamily WatchEvents { get; }
    public CounterFamily Relists { get; }
    public CounterFamily Passes { get; }
    public HistogramFamily PassDuration { get; }
    public CounterFamily StatusWrites { get; }
}
