using System.Threading.Channels;
using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Store;

/// <summary>
/// A level-triggered wake-up for code that reacts to the store: any number of writes to the kinds of
/// interest between two waits collapse into one signal, and raising never blocks the writer.
/// </summary>
internal sealed class ChangeSignal : IDisposable
{
    private readonly ObjectStore _store;
    private readonly HashSet<ResourceKind> _kinds;
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    /// <summary>Listens for writes to <paramref name="kinds"/> (all kinds when empty).</summary>
    public ChangeSignal(ObjectStore store, params ResourceKind[] kinds)
    {
        _store = store;
        _kinds = [.. kinds];
        _store.Changed += OnChanged;
    }

    public void Raise() => _pending.Writer.TryWrite(true);

    /// <summary>Completes once something changed since the previous wait (or <see cref="Raise"/> was called).</summary>
    public async Task WaitAsync(CancellationToken ct) => await _pending.Reader.ReadAsync(ct).ConfigureAwait(false);

    public void Dispose() => _store.Changed -= OnChanged;

    private void OnChanged(ResourceKind kind)
    {
        if (_kinds.Count == 0 || _kinds.Contains(kind))
        {
            Raise();
        }
    }
}
