using System.Threading.Tasks.Sources;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// A <see cref="PolledSocket"/>'s receive or its send: what it works on, and the awaitable it completes.
/// One per direction and socket, reused by every call, so a call that waits allocates nothing.
/// Its waiting state is guarded by the socket's lock.
/// </summary>
internal sealed class SocketOperation : IValueTaskSource<int>
{
    // Continuations run where the operation completes: on the event loop, as .NET's inline completions do.
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = false };

    public Memory<byte> Buffer { get; set; }

    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Bytes of this send already written.</summary>
    public int Sent { get; set; }

    public CancellationToken Token { get; private set; }

    public CancellationTokenRegistration Registration { get; set; }

    public bool IsWaiting { get; private set; }

    /// <summary>
    /// A call handed to its loop's <see cref="SocketRing"/>, not yet made: it is not waiting, and nothing cancels
    /// it (it is made before the loop waits again; a send that then has to wait is watched from there).
    /// </summary>
    public bool Queued { get; set; }

    public short Version => _core.Version;

    /// <summary>Starts a call: the awaitable it returns if it has to wait.</summary>
    public ValueTask<int> Begin(CancellationToken ct)
    {
        _core.Reset();
        Token = ct;
        return new ValueTask<int>(this, _core.Version);
    }

    /// <summary>Leaves the call waiting for the loop's next report; returns the caller's "parked" result.</summary>
    public int Park()
    {
        IsWaiting = true;
        return -1;
    }

    /// <summary>True (and no longer waiting) when the call was waiting: whoever takes it completes it.</summary>
    public bool TakeWaiting()
    {
        var was = IsWaiting;
        IsWaiting = false;
        return was;
    }

    public void Complete(int result)
    {
        Buffer = default;
        Data = default;
        _core.SetResult(result);
    }

    public void Fail(Exception error)
    {
        Buffer = default;
        Data = default;
        _core.SetException(error);
    }

    public int GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
