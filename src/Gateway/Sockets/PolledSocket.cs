using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// A TCP socket whose receives and sends wait on an <see cref="EventLoop"/> rather than on .NET's socket
/// engine. A receive or send is made at once while the socket is known ready, and otherwise waits for the
/// loop's next event without a syscall; its continuation then runs on the loop's thread. One receive and
/// one send may be outstanding at a time, as with <see cref="Socket"/>'s own awaitable calls.
/// Off Linux every call goes to the wrapped <see cref="Socket"/>.
/// </summary>
internal sealed class PolledSocket : IDisposable
{
    private const int Ready = 0;
    private const int Parked = -1;
    private const int Failed = -2;
    private const int Queued = -3;
    private const int Again = -4;

    private static readonly Action<object?, CancellationToken> CancelReceive = static (s, token) => ((PolledSocket)s!).Cancel(((PolledSocket)s!)._receive, token);
    private static readonly Action<object?, CancellationToken> CancelSend = static (s, token) => ((PolledSocket)s!).Cancel(((PolledSocket)s!)._send, token);

    private readonly Socket _socket;
    private readonly EventLoop? _loop;
    private readonly int _fd;
    private readonly Lock _sync = new();
    private readonly SocketOperation _receive = new();
    private readonly SocketOperation _send = new();
    private GCHandle _handle;

    // Readiness as the loop last reported it, and a count of its reports: a call that found the socket
    // drained marks it not ready only if no report came in since it looked, or it would miss that report.
    private bool _readable = true;
    private bool _writable = true;
    private int _readReports;
    private int _writeReports;

    // The peer closed its side or the connection failed: the end (or the error) is read after whatever
    // data is left, with no further edge to announce it, so the socket never counts as drained again.
    private bool _readEnded;

    // Urgent data (MSG_OOB) arrived: a read stops short at its mark with more queued, so from then on only
    // EAGAIN proves the socket drained.
    private bool _urgentSeen;
    private bool _disposed;

    // The counts of reports when the receive or send went to the loop's ring, for its EAGAIN to be judged by.
    private int _queuedReadSeen;
    private int _queuedWriteSeen;

    private PolledSocket(Socket socket, EventLoop? loop, bool writable)
    {
        _socket = socket;
        _loop = loop;
        _writable = writable;
        if (loop is null)
        {
            return;
        }
        socket.Blocking = false;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _handle = GCHandle.Alloc(this);
        var error = loop.Add(_fd, _handle);
        if (error != 0)
        {
            _handle.Free();
            throw SocketErrors.From(error);
        }
    }

    /// <summary>Takes over a socket accepted by .NET: from now on only this wrapper reads and writes it.</summary>
    public static PolledSocket Wrap(Socket accepted) =>
        new(accepted, EventLoops.Supported ? EventLoops.ForNewSocket() : null, writable: true);

    /// <summary>A new connection to <paramref name="endpoint"/>, waited for on an event loop.</summary>
    public static async ValueTask<PolledSocket> ConnectAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (!EventLoops.Supported)
            {
                await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                return new PolledSocket(socket, null, writable: true);
            }
            socket.Blocking = false;
            if (NativeConnect.Start(socket, endpoint))
            {
                return new PolledSocket(socket, EventLoops.ForNewSocket(), writable: true);
            }
            // Watched only now, after connect(): watched before it, the unconnected socket reports itself writable.
            var connecting = new PolledSocket(socket, EventLoops.ForNewSocket(), writable: false);
            try
            {
                await connecting.SendAsync(ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
                var error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != 0)
                {
                    throw new SocketException(error); // .NET reads SO_ERROR as a SocketError already.
                }
                return connecting;
            }
            catch
            {
                connecting.Dispose();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Socket Socket => _socket;

    /// <summary>The loop this socket waits on; null off Linux.</summary>
    public EventLoop? Loop => _loop;

    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    public void Shutdown(SocketShutdown how) => _socket.Shutdown(how);

    /// <summary>
    /// Bytes of the send in progress written so far, for a watcher on another thread to see whether a waiting send
    /// moves at all; null where .NET's engine sends (off Linux), which does not tell.
    /// </summary>
    public int? SendProgress => _loop is null ? null : _send.Sent;

    /// <summary>The descriptor, for the loop's <see cref="SocketRing"/>.</summary>
    internal int Descriptor => _fd;

    /// <summary>What the send queued on the loop's ring has left to write.</summary>
    internal ReadOnlyMemory<byte> QueuedSend => _send.Data;

    /// <summary>Where the receive queued on the loop's ring reads to.</summary>
    internal Memory<byte> QueuedReceive => _receive.Buffer;

    /// <summary>
    /// Whether the peer has closed its side (or the connection failed) with nothing it sent left unread. One
    /// peek answers both at the same instant: asked as readable-then-nothing-available, a read by the loop
    /// between the two questions made arriving data look like a close, and a request body in flight was cut.
    /// </summary>
    public bool PeerClosed()
    {
        if (_loop is null)
        {
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        Span<byte> one = stackalloc byte[1];
        var result = Call(one, receive: true, LibC.MsgPeek | LibC.MsgDontWait);
        return result == 0 || (result < 0 && -result is not (LibC.EAGAIN or LibC.EINTR));
    }

    /// <summary>Receives into <paramref name="buffer"/>: the count, 0 once the peer has closed its side.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_loop is null)
        {
            return _socket.ReceiveAsync(buffer, SocketFlags.None, ct);
        }
        if (ct.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(ct);
        }
        var op = _receive;
        var task = op.Begin(ct);
        var version = op.Version; // Read now: once it waits, the loop may finish it and a continuation begin the next.
        op.Buffer = buffer;
        var result = TryReceive(op, resumed: false, out var error);
        return result >= 0 ? new ValueTask<int>(result)
            : result == Failed ? ValueTask.FromException<int>(error!)
            : Wait(op, task, version, CancelReceive, ct);
    }

    /// <summary>Sends all of <paramref name="data"/>; returns its length.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        if (_loop is null)
        {
            return _socket.SendAsync(data, SocketFlags.None, ct);
        }
        if (ct.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(ct);
        }
        var op = _send;
        var task = op.Begin(ct);
        var version = op.Version;
        op.Data = data;
        op.Sent = 0;
        var result = TrySend(op, resumed: false, out var error);
        return result >= 0 ? new ValueTask<int>(result)
            : result == Failed ? ValueTask.FromException<int>(error!)
            : result == Queued ? task // Made at this batch's end: its cancellation is watched only if it then has to wait.
            : Wait(op, task, version, CancelSend, ct);
    }

    /// <summary>
    /// The loop's ring made the receive queued on it: the count read, a negated errno, or
    /// <see cref="SocketRing.NotMade"/>. Goes on as a recv() with that result would have.
    /// </summary>
    internal void OnRingReceived(int result)
    {
        var op = _receive;
        op.Queued = false;
        if (MadeOnRing(result))
        {
            var received = Received(op, result, _queuedReadSeen, out var failure);
            if (received != Again)
            {
                Finish(op, received, failure);
                return;
            }
        }
        var next = TryReceive(op, resumed: true, out var error); // Disposed meanwhile: fails as aborted.
        Finish(op, next, error);
    }

    /// <summary>
    /// The loop's ring made the send queued on it: the count written, a negated errno, or
    /// <see cref="SocketRing.NotMade"/>. Goes on as a send() with that result would have.
    /// </summary>
    internal void OnRingSent(int result)
    {
        var op = _send;
        op.Queued = false;
        if (MadeOnRing(result) && !Sent(op, result, _queuedWriteSeen, out var failure))
        {
            Finish(op, Failed, failure);
            return;
        }
        var next = TrySend(op, resumed: true, out var error); // Disposed meanwhile: fails as aborted.
        if (next == Parked && op.Registration == default)
        {
            Watch(op, op.Version, CancelSend, op.Token); // Queued unwatched, and now it waits on the peer.
        }
        Finish(op, next, error);
    }

    /// <summary>
    /// Whether the ring's <paramref name="result"/> is the call's own: not one it could not make, nor the failure of
    /// a socket disposed meanwhile (which goes on to fail as aborted, as a waiting call does).
    /// </summary>
    private bool MadeOnRing(int result) => result != SocketRing.NotMade && (result >= 0 || !Volatile.Read(ref _disposed));

    /// <summary>The loop reports readiness: a waiting receive or send is tried again, here on the loop's thread.</summary>
    internal void OnEvents(uint events)
    {
        bool resumeReceive = false, resumeSend = false;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
            if ((events & (LibC.EpollIn | LibC.EpollPri | LibC.EpollRdHup | LibC.EpollHup | LibC.EpollErr)) != 0)
            {
                _readReports++;
                _readable = true;
                _readEnded |= (events & (LibC.EpollRdHup | LibC.EpollHup | LibC.EpollErr)) != 0;
                _urgentSeen |= (events & LibC.EpollPri) != 0;
                resumeReceive = _receive.TakeWaiting();
            }
            if ((events & (LibC.EpollOut | LibC.EpollHup | LibC.EpollErr)) != 0)
            {
                _writeReports++;
                _writable = true;
                resumeSend = _send.TakeWaiting();
            }
        }
        if (resumeReceive)
        {
            var result = TryReceive(_receive, resumed: true, out var error);
            Finish(_receive, result, error);
        }
        if (resumeSend)
        {
            var result = TrySend(_send, resumed: true, out var error);
            Finish(_send, result, error);
        }
    }

    public void Dispose()
    {
        if (_loop is null)
        {
            _socket.Dispose();
            return;
        }
        bool receiveWaited, sendWaited;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            receiveWaited = _receive.TakeWaiting();
            sendWaited = _send.TakeWaiting();
        }
        _loop.Remove(_fd, _handle);
        _socket.Dispose();
        if (receiveWaited)
        {
            Finish(_receive, Failed, SocketErrors.Aborted());
        }
        if (sendWaited)
        {
            Finish(_send, Failed, SocketErrors.Aborted());
        }
    }

    /// <summary>
    /// Bytes received, 0 at the end of the stream, <see cref="Parked"/> when left waiting, <see cref="Failed"/>,
    /// or <see cref="Queued"/>: resumed by the loop, the receive goes to the loop's ring with the batch's other calls.
    /// </summary>
    private int TryReceive(SocketOperation op, bool resumed, out Exception? error)
    {
        while (true)
        {
            var state = Look(op, resumed, ref _readable, ref _readReports, out var seen, out error);
            if (state != Ready)
            {
                return state;
            }
            if (resumed && EventLoop.Current == _loop && _loop!.Ring is { } ring && ring.TryQueue(this, receive: true))
            {
                // A receive that waited for the loop's event goes with the batch's other calls. One made at once
                // (its caller knew the socket readable) is not held back: what the caller does next needs it.
                _queuedReadSeen = seen;
                op.Queued = true;
                return Queued;
            }
            var received = Received(op, Call(op.Buffer.Span, receive: true), seen, out error);
            if (received != Again)
            {
                return received;
            }
        }
    }

    /// <summary>
    /// What a recv that returned <paramref name="result"/> (the count, or a negated errno) means, by either way it
    /// was made: the count, <see cref="Again"/> (try again, or wait if the socket is now known drained), or
    /// <see cref="Failed"/>. <paramref name="seen"/> is the count of read reports when it was made.
    /// </summary>
    private int Received(SocketOperation op, int result, int seen, out Exception? error)
    {
        error = null;
        if (result >= 0)
        {
            if (result > 0 && result < op.Buffer.Length)
            {
                MarkReadDrained(seen, shortRead: true); // Short: all there was, and the next arrival is a new edge.
            }
            return result;
        }
        if (result == -LibC.EAGAIN)
        {
            MarkReadDrained(seen, shortRead: false);
        }
        else if (result != -LibC.EINTR)
        {
            error = SocketErrors.From(-result);
            return Failed;
        }
        return Again;
    }

    /// <summary>
    /// Whether the call can be made: <see cref="Ready"/> with the count of reports seen,
    /// <see cref="Parked"/> (the operation now waits for the loop), or <see cref="Failed"/> once disposed:
    /// a call begun after Dispose fails as disposed, one that was waiting as aborted, as with .NET's sockets.
    /// </summary>
    private int Look(SocketOperation op, bool resumed, ref bool ready, ref int reports, out int seen, out Exception? error)
    {
        error = null;
        // The common case without the lock: known ready and not disposed. The count is read before the
        // call is made, so a report that comes after it still keeps the socket from being marked drained.
        seen = Volatile.Read(ref reports);
        if (Volatile.Read(ref ready) && !Volatile.Read(ref _disposed))
        {
            return Ready;
        }
        lock (_sync)
        {
            if (_disposed)
            {
                error = resumed ? SocketErrors.Aborted() : new ObjectDisposedException(nameof(PolledSocket));
                return Failed;
            }
            if (!ready)
            {
                return op.Park();
            }
            seen = reports;
            return Ready;
        }
    }

    private void MarkReadDrained(int seen, bool shortRead)
    {
        lock (_sync)
        {
            if (_readReports == seen && !_readEnded && !(shortRead && _urgentSeen))
            {
                _readable = false;
            }
        }
    }

    /// <summary>
    /// All of the operation's data sent (its length), <see cref="Parked"/>, <see cref="Failed"/>, or
    /// <see cref="Queued"/>: on its loop's thread, the send goes to the loop's ring for the batch's end.
    /// </summary>
    private int TrySend(SocketOperation op, bool resumed, out Exception? error)
    {
        while (true)
        {
            var state = Look(op, resumed, ref _writable, ref _writeReports, out var seen, out error);
            if (state != Ready)
            {
                return state;
            }
            if (op.Data.IsEmpty)
            {
                return op.Sent; // All written, or a connect that waited for writable.
            }
            if (EventLoop.Current == _loop && _loop!.Ring is { } ring && ring.TryQueue(this, receive: false))
            {
                _queuedWriteSeen = seen;
                op.Queued = true;
                return Queued;
            }
            if (!Sent(op, Call(op.Data.Span, receive: false), seen, out error))
            {
                return Failed;
            }
        }
    }

    /// <summary>
    /// Takes in what a send that returned <paramref name="result"/> (the count, or a negated errno) did, by either
    /// way it was made: false, with the error, when it failed. <paramref name="seen"/> is the count of write
    /// reports when it was made.
    /// </summary>
    private bool Sent(SocketOperation op, int result, int seen, out Exception? error)
    {
        error = null;
        if (result >= 0)
        {
            op.Sent += result;
            op.Data = op.Data[result..]; // A short write is tried again: the kernel's EAGAIN is what promises an edge.
        }
        else if (result == -LibC.EAGAIN)
        {
            lock (_sync)
            {
                if (_writeReports == seen)
                {
                    _writable = false;
                }
            }
        }
        else if (result != -LibC.EINTR)
        {
            error = SocketErrors.From(-result);
            return false;
        }
        return true;
    }

    /// <summary>
    /// One recv or send on the descriptor, held open meanwhile so a concurrent Dispose cannot hand its number to
    /// another socket: the count, or a negated errno, as the ring reports its calls.
    /// </summary>
    private unsafe int Call(ReadOnlySpan<byte> span, bool receive, int receiveFlags = 0)
    {
        var handle = _socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint count;
            fixed (byte* bytes = span)
            {
                count = receive ? LibC.Recv(_fd, bytes, span.Length, receiveFlags) : LibC.Send(_fd, bytes, span.Length, LibC.MsgNoSignal);
            }
            return count >= 0 ? (int)count : -Marshal.GetLastSystemError();
        }
        catch (ObjectDisposedException)
        {
            return -LibC.EBADF; // Closed by Dispose meanwhile.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>An operation left waiting: its cancellation is watched from here on.</summary>
    private ValueTask<int> Wait(SocketOperation op, ValueTask<int> task, short version, Action<object?, CancellationToken> cancel, CancellationToken ct)
    {
        Watch(op, version, cancel, ct);
        return task;
    }

    /// <summary>Watches <paramref name="ct"/> for an operation that waits: cancelled, it fails the wait.</summary>
    private void Watch(SocketOperation op, short version, Action<object?, CancellationToken> cancel, CancellationToken ct)
    {
        if (ct.CanBeCanceled)
        {
            var registration = ct.UnsafeRegister(cancel, this);
            lock (_sync)
            {
                if (op.IsWaiting && op.Version == version)
                {
                    op.Registration = registration;
                    registration = default;
                }
            }
            registration.Unregister(); // Finished meanwhile: nothing to cancel.
        }
    }

    private void Cancel(SocketOperation op, CancellationToken token)
    {
        lock (_sync)
        {
            if (!op.IsWaiting || op.Token != token)
            {
                return;
            }
            op.TakeWaiting();
        }
        op.Registration = default; // This callback is it.
        op.Fail(new OperationCanceledException(token));
    }

    /// <summary>Completes an operation taken off waiting, unless the retry left it waiting again.</summary>
    private void Finish(SocketOperation op, int result, Exception? error)
    {
        if (result == Queued)
        {
            return; // On the ring: finished when the ring has made it.
        }
        if (result == Parked)
        {
            // A cancellation that came while it was off waiting found nothing to cancel: honour it now.
            lock (_sync)
            {
                if (!op.Token.IsCancellationRequested || !op.TakeWaiting())
                {
                    return;
                }
            }
            result = Failed;
            error = new OperationCanceledException(op.Token);
        }
        op.Registration.Unregister();
        op.Registration = default;
        if (result == Failed)
        {
            op.Fail(error!);
        }
        else
        {
            op.Complete(result);
        }
    }
}
