using System.Threading.Channels;
using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// One subscribed proxy: what it wants, and how far through the hub's <see cref="ChangeLog"/> it has been
/// sent. That cursor is all it keeps in steady state: no entry per Service, nothing queued. It walks the
/// log in passes; a pass ends when it reaches the end of the log.
/// </summary>
/// <remarks>Mutated only under the hub's lock.</remarks>
public sealed class Subscriber
{
    // Null: every Service. Otherwise the keys named in the request and wanted since.
    private readonly HashSet<string>? _interest;
    // What the proxy said it holds; consulted for a key on its first visit only, dropped after the first pass.
    private Dictionary<string, HeldVersions>? _have;
    // Keys wanted since the last send: sent in full, whatever the cursor says.
    private readonly HashSet<string> _forced = new(StringComparer.Ordinal);
    private bool _workloadsDirty = true;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Subscriber(SubscribeRequest request, long joinedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        Proxy = request.Proxy;
        _interest = request.Services.Contains(SubscriptionProtocol.AllServices)
            ? null
            : new HashSet<string>(request.Services, StringComparer.Ordinal);
        WantsDirectory = request.Directory == true;
        _have = new Dictionary<string, HeldVersions>(request.Have, StringComparer.Ordinal);
        SentWorkloads = request.Workloads;
        HeldAtConnect = request.Have.Count;
        JoinedAt = joinedAt;
        ConnectedAt = DateTimeOffset.UtcNow;
        _wake.Writer.TryWrite(true);
    }

    public string Proxy { get; }
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>ConnectedAt as a Stopwatch timestamp: changes older than this were not pushed, they were the initial state.</summary>
    public long ConnectedTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    public bool WantsDirectory { get; }
    public string? SentWorkloads { get; set; }
    public long MessagesSent { get; private set; }

    /// <summary>How many Services the proxy said it held when it subscribed (after a reconnect, or from a snapshot).</summary>
    public int HeldAtConnect { get; }

    /// <summary>The log sequence at subscription: tombstones up to it are of Services this proxy never got from us.</summary>
    public long JoinedAt { get; }

    /// <summary>Everything up to this log sequence has been sent.</summary>
    public long Cursor { get; private set; }

    /// <summary>The cursor when the current pass began: facets that changed after it are sent when their key is visited.</summary>
    public long PassFrom { get; private set; }
    public bool InPass { get; private set; }

    /// <summary>True once the first pass is over: the proxy holds everything it asked for.</summary>
    public bool Synced { get; private set; }

    /// <summary>Readable when there may be something to send.</summary>
    public ChannelReader<bool> Wake => _wake.Reader;

    internal bool WantsFacetsOf(string key) => _interest is null || _interest.Contains(key);

    internal int? InterestCount => _interest?.Count;

    /// <summary>Wakes the writer if the change of <paramref name="entry"/> concerns this proxy.</summary>
    internal void OnChanged(ServiceEntry entry)
    {
        if (WantsFacetsOf(entry.Key) || (WantsDirectory && (entry.DirectorySeq == entry.Seq || !entry.Exists)))
        {
            Wakeup();
        }
    }

    internal void Wakeup() => _wake.Writer.TryWrite(true);

    internal void MarkWorkloadsDirty()
    {
        _workloadsDirty = true;
        Wakeup();
    }

    internal bool TakeWorkloadsDirty()
    {
        var dirty = _workloadsDirty;
        _workloadsDirty = false;
        return dirty;
    }

    /// <summary>Adds keys to the interest; those new to it are sent in full at the next send. False when the proxy asked for every Service anyway.</summary>
    internal bool Want(IEnumerable<string> keys, int limit)
    {
        if (_interest is null)
        {
            return false;
        }
        foreach (var key in keys)
        {
            if (_interest.Count >= limit)
            {
                break;
            }
            if (_interest.Add(key))
            {
                _forced.Add(key);
                _have?.Remove(key);
            }
        }
        Wakeup();
        return true;
    }

    internal List<string> TakeForced()
    {
        if (_forced.Count == 0)
        {
            return [];
        }
        var forced = _forced.Order(StringComparer.Ordinal).ToList();
        _forced.Clear();
        return forced;
    }

    internal void BeginPass()
    {
        if (!InPass)
        {
            InPass = true;
            PassFrom = Cursor;
        }
    }

    internal void Advance(long seq) => Cursor = seq;

    /// <summary>Ends a pass at the end of the log; after the first, returns the keys the proxy held that no longer exist.</summary>
    internal IEnumerable<string> EndPass()
    {
        InPass = false;
        if (Synced)
        {
            return [];
        }
        Synced = true;
        var gone = _have!.Keys.Order(StringComparer.Ordinal).ToList();
        _have = null;
        return gone;
    }

    /// <summary>The message that brings this proxy's copy of <paramref name="entry"/> up to date, if it needs one.</summary>
    internal SharedMessage? MessageFor(ServiceEntry entry)
    {
        var held = _have is not null && _have.Remove(entry.Key, out var h) ? h : null;
        var facets = WantsFacetsOf(entry.Key) ? Facets.Frontend | Facets.Backend : Facets.None;
        if (WantsDirectory)
        {
            facets |= Facets.Directory;
        }
        if (facets == Facets.None)
        {
            return null;
        }
        if (!entry.Exists)
        {
            // Removed before this proxy joined, and it did not hold it: it never had it.
            return held is null && !Synced && entry.Seq <= JoinedAt ? null : Count(entry.Message(Facets.None));
        }
        var send = held is not null ? Differing(entry, facets, held) : Newer(entry, facets);
        send = entry.Available(send);
        return send == Facets.None ? null : Count(entry.Message(send));
    }

    /// <summary>The full current state of a key just wanted (a removal if there is no such Service).</summary>
    internal SharedMessage Full(ServiceEntry? entry, string key) => Count(entry is { Exists: true }
        ? entry.Message(entry.Available(Facets.Frontend | Facets.Backend))
        : ServiceEntry.Removal(key));

    internal SharedMessage Count(SharedMessage message)
    {
        MessagesSent++;
        return message;
    }

    private static Facets Differing(ServiceEntry entry, Facets facets, HeldVersions held)
    {
        var send = Facets.None;
        if (facets.HasFlag(Facets.Frontend) && held.Frontend != entry.Snapshot.Frontend?.Version)
        {
            send |= Facets.Frontend;
        }
        if (facets.HasFlag(Facets.Backend) && held.Backend != entry.Snapshot.Backend?.Version)
        {
            send |= Facets.Backend;
        }
        if (facets.HasFlag(Facets.Directory) && held.Directory != entry.Directory?.Version)
        {
            send |= Facets.Directory;
        }
        return send;
    }

    private Facets Newer(ServiceEntry entry, Facets facets)
    {
        var send = Facets.None;
        if (facets.HasFlag(Facets.Frontend) && entry.FrontendSeq > PassFrom)
        {
            send |= Facets.Frontend;
        }
        if (facets.HasFlag(Facets.Backend) && entry.BackendSeq > PassFrom)
        {
            send |= Facets.Backend;
        }
        if (facets.HasFlag(Facets.Directory) && entry.DirectorySeq > PassFrom)
        {
            send |= Facets.Directory;
        }
        return send;
    }
}

/// <summary>What the admin API shows of a subscriber: how far behind it is is the count of Services changed after its cursor.</summary>
public sealed record SubscriberInfo(string Proxy, DateTimeOffset ConnectedAt, string Mode, int? ServicesWanted, int HeldAtConnect,
    int PendingServices, bool Synced, long MessagesSent);
