using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;
using Mesh.Hosting.Metrics;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// The latest state of every Service grain and of the pod directory, and the proxies subscribed to it.
/// A change appends one entry to the <see cref="ChangeLog"/> and wakes the subscribers it concerns; each
/// subscriber's writer then takes the entries after its cursor, so a slow proxy gets coalesced, latest
/// state, never a queue, and the hub does no per-subscriber work proportional to the number of Services.
/// </summary>
public sealed class SubscriptionHub : IServiceChangeObserver
{
    /// <summary>Log entries one <see cref="TakePending"/> walks at most, so no writer holds the lock for long.</summary>
    public const int MaxEntriesPerTake = 512;

    /// <summary>Services one proxy may want; more are ignored (a proxy never needs more than there are).</summary>
    public const int MaxWantedPerProxy = 100_000;

    private readonly Lock _gate = new();
    private readonly ChangeLog _log = new();
    private readonly HashSet<Subscriber> _subscribers = [];
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SharedMessage? _workloads;
    private string? _workloadsVersion;
    private long _seq;
    private int _serviceCount;

    /// <summary>Completes when the first full translation has been published.</summary>
    public Task Initialized => _initialized.Task;

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>The latest state of every Service, for the status page.</summary>
    public IReadOnlyList<ServiceSnapshot> Snapshots
    {
        get
        {
            lock (_gate)
            {
                return [.. _log.Latest.Values.Where(e => e.Exists).Select(e => e.Snapshot)];
            }
        }
    }

    public int ServiceCount
    {
        get
        {
            lock (_gate)
            {
                return _serviceCount;
            }
        }
    }

    /// <summary>Entries in the change log (live ones, superseded ones not yet dropped, tombstones): bounded by a small multiple of the Services.</summary>
    public int ChangeLogLength
    {
        get
        {
            lock (_gate)
            {
                return _log.Count;
            }
        }
    }

    public IReadOnlyList<SubscriberInfo> Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Select(s => new SubscriberInfo(
                    s.Proxy, s.ConnectedAt,
                    s.InterestCount is null ? "all" : s.WantsDirectory ? "on-demand" : "list",
                    s.InterestCount, s.HeldAtConnect, PendingServices(s), s.Synced, s.MessagesSent)).ToList();
            }
        }
    }

    /// <summary>Services changed after the subscriber's cursor (whether or not they concern it): how far behind it is.</summary>
    private int PendingServices(Subscriber subscriber)
    {
        var pending = 0;
        for (var index = _log.FirstAfter(subscriber.Cursor); index < _log.Count; index++)
        {
            pending += _log.IsLatest(_log[index]) ? 1 : 0;
        }
        return pending;
    }

    public void OnServiceChanged(ServiceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            var previous = _log.Latest.GetValueOrDefault(snapshot.Key);
            if (!snapshot.Exists && previous is not { Exists: true })
            {
                return; // Nothing to remove.
            }
            _serviceCount += (snapshot.Exists ? 1 : 0) - (previous is { Exists: true } ? 1 : 0);
            var entry = ServiceEntry.Next(previous, snapshot, ++_seq);
            _log.Append(entry);
            foreach (var subscriber in _subscribers)
            {
                subscriber.OnChanged(entry);
            }
            if (_log.NeedsCompaction)
            {
                _log.Compact(_subscribers.Count == 0 ? _seq : _subscribers.Min(s => s.Cursor));
            }
        }
    }

    public void SetWorkloads(WorkloadDirectory directory)
    {
        var version = ContentVersion.Of(directory);
        lock (_gate)
        {
            if (_workloadsVersion == version)
            {
                return;
            }
            _workloadsVersion = version;
            _workloads = new SharedMessage(new SubscriptionMessage
            {
                Type = MessageType.Workloads,
                Workloads = new Versioned<WorkloadDirectory>(version, directory),
            });
            foreach (var subscriber in _subscribers)
            {
                subscriber.MarkWorkloadsDirty();
            }
        }
    }

    /// <summary>
    /// Time from a Service change reaching the hub to its message flushed to a proxy's stream, for changes
    /// made while that proxy was connected. Registered by the silo's metrics; recorded by the endpoint.
    /// </summary>
    public HistogramFamily PushLatency { get; } = new("mesh_silo_push_latency_seconds",
        "Time from a Service change reaching the silo's hub to its message flushed to a connected proxy's stream.", HistogramFamily.LatencySeconds);

    public void MarkInitialized() => _initialized.TrySetResult();

    /// <summary>Registers a proxy: its first pass sends everything it asked for, minus what it holds at the current version.</summary>
    public Subscriber Subscribe(SubscribeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var subscriber = new Subscriber(request, _seq);
            _subscribers.Add(subscriber);
            return subscriber;
        }
    }

    public void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    /// <summary>More Services for an on-demand (or list) subscriber: sent in full at its next take, then kept up to date.</summary>
    public void Want(Subscriber subscriber, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            subscriber.Want(keys, MaxWantedPerProxy);
        }
    }

    /// <summary>
    /// The next messages for a subscriber: Services just wanted, then the log entries after its cursor (at
    /// most <see cref="MaxEntriesPerTake"/>; it is woken again if more remain), then the pod directory.
    /// The messages are shared with every other subscriber they go to.
    /// </summary>
    public List<SharedMessage> TakePending(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var messages = new List<SharedMessage>();
            foreach (var key in subscriber.TakeForced())
            {
                messages.Add(subscriber.Full(_log.Latest.GetValueOrDefault(key), key));
            }
            subscriber.BeginPass();
            var index = _log.FirstAfter(subscriber.Cursor);
            var end = Math.Min(_log.Count, index + MaxEntriesPerTake);
            for (; index < end; index++)
            {
                var entry = _log[index];
                subscriber.Advance(entry.Seq);
                if (_log.IsLatest(entry) && subscriber.MessageFor(entry) is { } message)
                {
                    messages.Add(message);
                }
            }
            if (index == _log.Count)
            {
                foreach (var gone in subscriber.EndPass())
                {
                    messages.Add(subscriber.Count(ServiceEntry.Removal(gone)));
                }
            }
            else
            {
                subscriber.Wakeup();
            }
            if (subscriber.TakeWorkloadsDirty() && _workloads is { } workloads && subscriber.SentWorkloads != _workloadsVersion)
            {
                subscriber.SentWorkloads = _workloadsVersion;
                messages.Add(subscriber.Count(workloads));
            }
            return messages;
        }
    }
}
