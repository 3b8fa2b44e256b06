namespace Mesh.Silo.Subscriptions;

/// <summary>
/// Waits for a subscriber's next work, or for the heartbeat interval. One timer per stream, re-armed on
/// each wait rather than a new one made: with a thousand streams woken by every change, that is most of
/// the writer's own cost.
/// </summary>
internal sealed class HeartbeatTimer(TimeSpan interval, CancellationToken stream) : IDisposable
{
    private CancellationTokenSource _timer = CancellationTokenSource.CreateLinkedTokenSource(stream);

    /// <summary>True when there is something to send; false when the interval passed first.</summary>
    public async Task<bool> WaitForWorkAsync(Subscriber subscriber, CancellationToken ct)
    {
        if (subscriber.Wake.TryRead(out _))
        {
            return true;
        }
        _timer.CancelAfter(interval);
        try
        {
            await subscriber.Wake.ReadAsync(_timer.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _timer.Dispose();
            _timer = CancellationTokenSource.CreateLinkedTokenSource(stream);
            return false;
        }
    }

    public void Dispose() => _timer.Dispose();
}
