using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// One pooled HTTP/1.1 connection to an endpoint: a socket and the bytes received on it that nothing has
/// consumed yet. A request head is sent whole; the response is read through <see cref="FillAsync"/>.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private const int InitialBufferSize = 8 * 1024;

    private readonly PolledSocket _socket;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private ValueTask<int> _watch;
    private bool _watching;

    private Http1Connection(PolledSocket socket, IPEndPoint endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>The event loop its socket waits on (null off Linux): where its answers complete.</summary>
    public EventLoop? Loop => _socket.Loop;

    /// <summary>Exchanges completed on this connection; 0 while it is fresh.</summary>
    public int Exchanges { get; set; }

    /// <summary>When it was last handed back to its pool (Environment.TickCount64).</summary>
    public long IdleSinceMs { get; set; }

    /// <summary>True once any byte of the current response has arrived: from then on a failure is not a stale connection.</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>The request head being written: kept per connection so writing one allocates nothing.</summary>
    public RequestHeadBuffer Head { get; } = new();

    /// <summary>The response head last read on this connection.</summary>
    public ResponseHead Response { get; } = new();

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    public static async Task<Http1Connection> ConnectAsync(IPEndPoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            var socket = await PolledSocket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            return new Http1Connection(socket, endpoint);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"connect to {endpoint} timed out");
        }
        catch (SocketException e)
        {
            // Refused, unreachable, or no socket to be had (EMFILE): all a failed connection to the caller.
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"connect to {endpoint} failed: {e.SocketErrorCode}", e);
        }
    }

    /// <summary>False once something left the connection in a state no next exchange can start from.</summary>
    public bool Reusable { get; private set; } = true;

    /// <summary>Starts an exchange: nothing of its response has arrived yet.</summary>
    public void BeginExchange() => ReceivedAny = false;

    /// <summary>The exchange cannot leave the connection clean (a request body was cut short): close it afterwards.</summary>
    public void KeepsNoMore() => Reusable = false;

    // Pooled builders: these run for every exchange and usually wait on the socket, which would otherwise allocate a box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, ct).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (SocketException e)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"sending to {Endpoint} failed: {e.SocketErrorCode}", e);
        }
    }

    /// <summary>
    /// Receives more bytes after those buffered; returns how many arrived, 0 at the end of the stream.
    /// The buffer grows (up to <paramref name="maxBuffered"/>) only while a head is longer than it.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> FillAsync(int maxBuffered, CancellationToken ct)
    {
        try
        {
            return Received(await StartReceiving(maxBuffered, ct).ConfigureAwait(false));
        }
        catch (SocketException e)
        {
            throw ReceiveFailed(e);
        }
    }

    /// <summary>
    /// <see cref="FillAsync"/> in parts, for a caller that awaits the socket in its own state machine
    /// (the response head, which the upstream has rarely sent yet): the receive into the free room, whose
    /// count then goes to <see cref="Received"/>; a <see cref="SocketException"/> to <see cref="ReceiveFailed"/>.
    /// </summary>
    public ValueTask<int> StartReceiving(int maxBuffered, CancellationToken ct)
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_buffer.Length > InitialBufferSize)
            {
                _buffer = new byte[InitialBufferSize]; // A large head was a one-off; idle connections keep small buffers.
            }
        }
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start); // Room at the front: compact.
            }
            else if (_buffer.Length >= maxBuffered)
            {
                throw new HttpRequestException(HttpRequestError.InvalidResponse, $"response head from {Endpoint} exceeds {maxBuffered} bytes");
            }
            else
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxBuffered)); // Full of one head: grow.
            }
            _end -= _start;
            _start = 0;
        }
        return _socket.ReceiveAsync(_buffer.AsMemory(_end), ct);
    }

    /// <summary>Counts the bytes a receive put after those buffered; returns the count.</summary>
    public int Received(int count)
    {
        if (count > 0)
        {
            ReceivedAny = true;
        }
        _end += count;
        return count;
    }

    public HttpRequestException ReceiveFailed(SocketException e) =>
        new(HttpRequestError.ResponseEnded, $"receiving from {Endpoint} failed: {e.SocketErrorCode}", e);

    public void Consume(int count) => _start += count;

    /// <summary>
    /// Starts the idle watch as the connection goes back to its pool: a receive posted into the empty
    /// buffer. If it completes while the connection sits idle, the server closed it or sent bytes no
    /// request asked for (<see cref="LooksClosed"/>); if not, it is the first read of the next answer
    /// (<see cref="StartReceivingAnswer"/>). So a reuse needs no poll of its own: a syscall less per exchange
    /// (the receive is tried once, when posted, as the answer's own would have been), the way HAProxy keeps
    /// its idle server connections in its poller.
    /// False when the socket is already unusable.
    /// </summary>
    public bool StartWatching()
    {
        if (_watching)
        {
            return true;
        }
        _start = _end = 0; // Returned only with nothing unread.
        try
        {
            // Kept to be consumed once later, by StartReceivingAnswer; or never, when the connection is dropped.
#pragma warning disable CA2012
            _watch = _socket.ReceiveAsync(_buffer.AsMemory());
#pragma warning restore CA2012
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
        _watching = true;
        return true;
    }

    /// <summary>
    /// True when the peer has closed or sent something unasked while the connection sat idle: its watch
    /// completed. Asked only of idle connections, which the pool watches all; one without a watch counts as closed.
    /// </summary>
    public bool LooksClosed() => !_watching || _watch.IsCompleted;

    /// <summary>
    /// A receive for the answer: the idle watch, when the connection has one (a cancellation of
    /// <paramref name="ct"/> then closes the socket, that receive having been posted without it), else a
    /// new one. The count goes to <see cref="Received"/>, as after <see cref="StartReceiving"/>.
    /// </summary>
    public ValueTask<int> StartReceivingAnswer(int maxBuffered, CancellationToken ct, out CancellationTokenRegistration cancellation)
    {
        if (!_watching)
        {
            cancellation = default;
            return StartReceiving(maxBuffered, ct);
        }
        _watching = false;
        cancellation = ct.CanBeCanceled ? ct.UnsafeRegister(static state => ((Http1Connection)state!).Dispose(), this) : default;
        return _watch;
    }

    /// <summary>A connection is reused only when nothing beyond the last response is buffered.</summary>
    public bool HasUnreadBytes => _end > _start;

    public void Dispose() => _socket.Dispose();
}
