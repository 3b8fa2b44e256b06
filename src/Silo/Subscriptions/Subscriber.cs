using System.Threading.Channels;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>One subscribed proxy: what it wants, what it holds, and which keys changed since its last send.</summary>
/// <remarks>Mutated only under the hub's lock.</remarks>
public sealed class Subscriber
{
    private readonly HashSet<string>? _interest;
    // A value pair, not an object per entry: a silo keeps one entry per Service for every proxy.
    private readonly Dictionary<string, (string? Frontend, string? Backend)> _held;
    private HashSet<string> _dirty = new(StringComparer.Ordinal);
    private bool _workloadsDirty;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Subscriber(SubscribeRequest request)
    {
        Proxy = request.Proxy;
        _interest = request.Services.Contains(SubscriptionProtocol.AllServices)
            ? null
            : new HashSet<string>(request.Services, StringComparer.Ordinal);
        _held = request.Have.ToDictionary(h => h.Key, h => (h.Value.Frontend, h.Value.Backend), StringComparer.Ordinal);
        SentWorkloads = request.Workloads;
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    public string Proxy { get; }
    public DateTimeOffset ConnectedAt { get; }
    public string? SentWorkloads { get; set; }
    public long MessagesSent { get; private set; }

    /// <summary>Readable when there is something to send.</summary>
    public ChannelReader<bool> Wake => _wake.Reader;

    internal void MarkDirty(string key)
    {
        if (_interest is null || _interest.Contains(key))
        {
            _dirty.Add(key);
            _wake.Writer.TryWrite(true);
        }
    }

    internal void MarkWorkloadsDirty()
    {
        _workloadsDirty = true;
        _wake.Writer.TryWrite(true);
    }

    internal IEnumerable<string> TakeDirty()
    {
        var taken = _dirty;
        _dirty = new HashSet<string>(StringComparer.Ordinal);
        return taken.Order(StringComparer.Ordinal);
    }

    internal bool TakeWorkloadsDirty()
    {
        var dirty = _workloadsDirty;
        _workloadsDirty = false;
        return dirty;
    }

    /// <summary>The message that moves this proxy from what it holds to <paramref name="snapshot"/>, if any.</summary>
    internal SubscriptionMessage? Diff(string key, ServiceSnapshot? snapshot)
    {
        var holds = _held.TryGetValue(key, out var held);
        if (snapshot is null || !snapshot.Exists)
        {
            if (!holds)
            {
                return null;
            }
            _held.Remove(key);
            MessagesSent++;
            return new SubscriptionMessage { Type = MessageType.Service, Key = key, Removed = true };
        }
        var frontend = snapshot.Frontend?.Version != held.Frontend ? snapshot.Frontend : null;
        var backend = snapshot.Backend?.Version != held.Backend ? snapshot.Backend : null;
        if (frontend is null && backend is null)
        {
            return null;
        }
        _held[key] = (snapshot.Frontend?.Version, snapshot.Backend?.Version);
        MessagesSent++;
        return new SubscriptionMessage { Type = MessageType.Service, Key = key, Frontend = frontend, Backend = backend };
    }

    internal SubscriberInfo Describe() => new(Proxy, ConnectedAt, _held.Count, _dirty.Count, MessagesSent);
}

/// <summary>What the admin API shows of a subscriber: how far behind it is is its count of dirty keys.</summary>
public sealed record SubscriberInfo(string Proxy, DateTimeOffset ConnectedAt, int ServicesHeld, int PendingServices, long MessagesSent);
