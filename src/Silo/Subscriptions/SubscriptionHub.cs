using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// The latest state of every Service grain and of the pod directory, and the proxies subscribed to it.
/// Each change only marks keys dirty on the subscribers that want them; a subscriber's writer sends the
/// latest state of its dirty keys when it is ready, so a slow proxy gets coalesced state, never a queue.
/// </summary>
public sealed class SubscriptionHub : IServiceChangeObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServiceSnapshot> _services = new(StringComparer.Ordinal);
    private readonly HashSet<Subscriber> _subscribers = [];
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Versioned<WorkloadDirectory>? _workloads;

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
                return [.. _services.Values];
            }
        }
    }

    public int ServiceCount
    {
        get
        {
            lock (_gate)
            {
                return _services.Count;
            }
        }
    }

    public IReadOnlyList<SubscriberInfo> Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Select(s => s.Describe()).ToList();
            }
        }
    }

    public void OnServiceChanged(ServiceSnapshot snapshot)
    {
        lock (_gate)
        {
            if (snapshot.Exists)
            {
                _services[snapshot.Key] = snapshot;
            }
            else
            {
                _services.Remove(snapshot.Key);
            }
            foreach (var subscriber in _subscribers)
            {
                subscriber.MarkDirty(snapshot.Key);
            }
        }
    }

    public void SetWorkloads(WorkloadDirectory directory)
    {
        var version = ContentVersion.Of(directory);
        lock (_gate)
        {
            if (_workloads?.Version == version)
            {
                return;
            }
            _workloads = new Versioned<WorkloadDirectory>(version, directory);
            foreach (var subscriber in _subscribers)
            {
                subscriber.MarkWorkloadsDirty();
            }
        }
    }

    public void MarkInitialized() => _initialized.TrySetResult();

    /// <summary>Registers a proxy; everything it asked for starts dirty (minus what it holds at the current version).</summary>
    public Subscriber Subscribe(SubscribeRequest request)
    {
        var subscriber = new Subscriber(request);
        lock (_gate)
        {
            _subscribers.Add(subscriber);
            foreach (var key in _services.Keys)
            {
                subscriber.MarkDirty(key);
            }
            foreach (var key in request.Have.Keys)
            {
                subscriber.MarkDirty(key); // Held but maybe deleted meanwhile: the writer sends Removed.
            }
            subscriber.MarkWorkloadsDirty();
        }
        return subscriber;
    }

    public void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    /// <summary>Takes the subscriber's dirty keys and returns the messages that bring it up to date.</summary>
    public List<SubscriptionMessage> TakePending(Subscriber subscriber)
    {
        lock (_gate)
        {
            var messages = new List<SubscriptionMessage>();
            foreach (var key in subscriber.TakeDirty())
            {
                _services.TryGetValue(key, out var snapshot);
                if (subscriber.Diff(key, snapshot) is { } message)
                {
                    messages.Add(message);
                }
            }
            if (subscriber.TakeWorkloadsDirty() && _workloads is { } workloads && subscriber.SentWorkloads != workloads.Version)
            {
                subscriber.SentWorkloads = workloads.Version;
                messages.Add(new SubscriptionMessage { Type = MessageType.Workloads, Workloads = workloads });
            }
            return messages;
        }
    }
}
