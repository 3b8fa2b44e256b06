using System.Threading.Channels;
using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Store;

/// <summary>
/// A registered watch on one kind (optionally one namespace). <see cref="Initial"/> holds what precedes the
/// live events (replayed history or synthetic ADDED events); <see cref="Events"/> then delivers every later
/// change in commit order. The store never waits for a watch: when its bounded backlog is full the watch is
/// closed (its reader completes), as the real server drops a watcher that cannot keep up.
/// </summary>
internal sealed class StoreWatch : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<WatchEvent> _channel;

    internal StoreWatch(ObjectStore store, ResourceKind kind, string? ns, IReadOnlyList<WatchEvent> initial, long startRevision, int backlog)
    {
        _store = store;
        Kind = kind;
        Namespace = ns;
        Initial = initial;
        StartRevision = startRevision;
        _channel = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(backlog)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ResourceKind Kind { get; }

    /// <summary>The namespace watched, or null for all namespaces.</summary>
    public string? Namespace { get; }

    public IReadOnlyList<WatchEvent> Initial { get; }

    /// <summary>The store revision the initial events bring the watcher up to.</summary>
    public long StartRevision { get; }

    public ChannelReader<WatchEvent> Events => _channel.Reader;

    /// <summary>Queues a BOOKMARK at the store's current revision, behind every event already queued.</summary>
    public void RequestBookmark() => _store.Bookmark(this);

    public void Dispose() => _store.Unwatch(this);

    internal bool Accepts(WatchEvent change) =>
        change.Kind == Kind && (Namespace is null || change.Object?.Namespace == Namespace);

    /// <summary>Queues without waiting; false when the backlog is full.</summary>
    internal bool Offer(WatchEvent change) => _channel.Writer.TryWrite(change);

    internal void Close() => _channel.Writer.TryComplete();
}
