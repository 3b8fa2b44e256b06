using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// A level-triggered controller loop: whenever one of the watched kinds changes it compares the whole
/// desired state with the store and writes the difference. A write that lost a race (Conflict, NotFound,
/// AlreadyExists) just means "look again".
/// </summary>
internal abstract class Reconciler : IAsyncDisposable
{
    private readonly ChangeSignal _signal;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    protected Reconciler(ObjectStore store, params ResourceKind[] watched)
    {
        Store = store;
        _signal = new ChangeSignal(store, watched);
    }

    protected ObjectStore Store { get; }

    public void Start()
    {
        _signal.Raise();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _signal.Dispose();
        _stop.Dispose();
    }

    protected abstract Task ReconcileAsync(CancellationToken ct);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct).ConfigureAwait(false);
                await ReconcileAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (LocalApiException raced) when (raced.Reason is "Conflict" or "NotFound" or "AlreadyExists")
            {
                _signal.Raise();
            }
            catch (Exception failure)
            {
                // A bug, not a race: retrying at once would spin. Say so and wait for the next change.
                await Console.Error.WriteLineAsync($"local cluster: {GetType().Name} failed: {failure}").ConfigureAwait(false);
            }
        }
    }
}
