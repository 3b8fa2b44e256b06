using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Forwarding.Http1;
using Mesh.Gateway.Proxy;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front;

/// <summary>
/// One client connection served by the lean front: read a head, run the request path on it, write the
/// answer, again, all on the thread its socket completes on, with no pipes or handoffs between. The
/// first request it is not sure of hands the connection, and the bytes read for it, to Kestrel.
/// </summary>
internal sealed class LeanConnection : IDisposable
{
    private const int ReceiveBufferSize = 8 * 1024;

    /// <summary>A request body left unread up to this size is read and dropped to keep the connection; a longer one closes it.</summary>
    private const int MaxBodyToDrain = 64 * 1024;

    private static long _lastId;
    private ReadyStreak _readyStreak;

    private readonly PolledSocket _socket;
    private readonly LeanFrontListener _listener;
    private readonly MeshProxy _proxy;
    private readonly CancellationTokenSource _aborted = new();
    private readonly ClientDataRate _bodyRate = new();
    private readonly ClientDataRate _sendRate = new();
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private LeanExchange? _exchange;
    private Http2.Http2Connection? _http2;
    private volatile bool _isAborted;
    private bool _handedOver;
    private bool _clientClosed;

    public LeanConnection(PolledSocket socket, LeanFrontListener listener, MeshProxy proxy)
    {
        _socket = socket;
        _listener = listener;
        _proxy = proxy;
        Id = "L" + Interlocked.Increment(ref _lastId).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Id { get; }

    /// <summary>Kestrel has the socket now.</summary>
    public bool HandedOver => _handedOver;

    /// <summary>When the request in progress started (Environment.TickCount64), or 0 between requests.</summary>
    public long BusySince { get; private set; }

    /// <summary>When the connection last went idle (Environment.TickCount64).</summary>
    public long IdleSince { get; private set; } = Environment.TickCount64;

    public CancellationToken Aborted => _aborted.Token;

    public bool IsAborted => _isAborted;

    /// <summary>This response ends the connection: the client asked, the gateway is stopping, or a body too large to drain is left.</summary>
    public bool ClosesAfterResponse { get; private set; }

    /// <summary>
    /// Called as the answer's head goes out: a request body more than <see cref="MaxBodyToDrain"/> still unread then
    /// ends the connection after the answer, so the head says <c>Connection: close</c> rather than leave the client to
    /// find the close. (One answered before its upload was read: a 404, a redirect, an upstream's 413.)
    /// </summary>
    internal void CloseAfterResponseIfBodyTooLargeToDrain(long unread)
    {
        if (unread > MaxBodyToDrain)
        {
            ClosesAfterResponse = true;
        }
    }

    /// <summary>The response head buffer, kept for the connection's life.</summary>
    public byte[] HeadBuffer { get; set; } = new byte[512];

    public async Task RunAsync()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        try
        {
            while (!_isAborted)
            {
                if (_start == _end)
                {
                    _start = _end = 0;
                    BusySince = 0;
                    IdleSince = Environment.TickCount64;
                    if (_listener.IsStopping)
                    {
                        return;
                    }
                    // Awaited here rather than in a helper: this method's state machine lives as long as the
                    // connection, while a helper's would be allocated anew for every request that waits.
                    var receiving = ReceiveNext(out var stepOffFirst);
                    if (stepOffFirst)
                    {
                        await Task.Yield();
                    }
                    var read = await receiving.ConfigureAwait(false);
                    _end += read;
                    if (read == 0)
                    {
                        _clientClosed = true;
                        return;
                    }
                }
                if (_exchange is null && IsStartOfHttp2Preface() && !await ReadWholePrefaceAsync().ConfigureAwait(false))
                {
                    return;
                }
                if (_exchange is null && IsHttp2Preface())
                {
                    _http2 = new Http2.Http2Connection(_socket, this, _proxy);
                    await _http2.RunAsync(_buffer.AsMemory(_start, _end - _start)).ConfigureAwait(false);
                    return;
                }
                var exchange = _exchange ??= new LeanExchange(this, (IPEndPoint)_socket.LocalEndPoint!, (IPEndPoint)_socket.RemoteEndPoint!);
                var parsed = RequestHeadParser.TryParse(_buffer.AsSpan(_start, _end - _start), exchange, out var consumed, out var contentLength, out var close);
                if (parsed == HeadParse.HandOver)
                {
                    if (WaitsForRequestLine())
                    {
                        BusySince = Math.Max(1, Environment.TickCount64); // Not idle while a request-line is coming in.
                        var outcome = await ReadWholeRequestLineAsync().ConfigureAwait(false);
                        if (outcome == HeadRead.Whole)
                        {
                            continue; // Judged again, now that the request-line is whole.
                        }
                        if (outcome == HeadRead.ClientClosed)
                        {
                            HandOver(); // Kestrel answers what came (a 400 for a line cut short), as before.
                        }
                        return;
                    }
                    HandOver();
                    return;
                }
                if (parsed == HeadParse.BadVersion)
                {
                    await SendAsync(BadVersionAnswer(), _aborted.Token).ConfigureAwait(false);
                    return; // Closed lingering: the client may still be sending.
                }
                _start += consumed;
                BusySince = Math.Max(1, Environment.TickCount64);
                ClosesAfterResponse = close || _listener.IsStopping;
                BeginServing(exchange, contentLength);
                try
                {
                    await _proxy.HandleAsync(exchange.Context).ConfigureAwait(false);
                }
                catch (Exception e) when (!_isAborted)
                {
                    if (!FailedBeforeEnd(exchange, e))
                    {
                        return;
                    }
                }
                if (!await EndServingAsync(exchange).ConfigureAwait(false))
                {
                    return;
                }
                if (!Thread.CurrentThread.IsThreadPoolThread)
                {
                    SocketThreadTurns.EndTurnIfLong();
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            _listener.Failed(e); // A fault of the lean front itself: this connection ends, the others carry on.
        }
        finally
        {
            _listener.Forget(this);
            if (!_handedOver && (_isAborted || _clientClosed))
            {
                _socket.Dispose(); // Nothing more to read, or a reset is what an abort means.
            }
            else if (!_handedOver)
            {
                _ = LingeringClose.RunAsync(_socket); // The client may still be sending: see LingeringClose.
            }
            _exchange?.Writer.Release();
            ArrayPool<byte>.Shared.Return(_buffer);
            Dispose();
        }
    }

    public void Dispose() => _aborted.Dispose();

    /// <summary>The 400 to a request-line whose version is not one, and the connection's end.</summary>
    private static byte[] BadVersionAnswer() =>
        ClosingAnswer("400 Bad Request", "malformed request-line: the version is not HTTP/digit.digit\n");

    /// <summary>The 408 to a request-line slower than the header timeout, and the connection's end.</summary>
    private static byte[] TimedOutAnswer() =>
        ClosingAnswer("408 Request Timeout", "the request head did not arrive within the header timeout\n");

    /// <summary>An answer the front gives itself, in plain text, that ends the connection.</summary>
    private static byte[] ClosingAnswer(string status, string body) =>
        [.. System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n"), .. DateHeader.Line, .. System.Text.Encoding.ASCII.GetBytes(
            $"Content-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}")];

    /// <summary>
    /// The request-line has not all come (no line end yet) and there is room for more of it: the front reads on
    /// rather than hand Kestrel a head that starts in pieces, which Kestrel would judge by its own rules (a
    /// version that is not one is its 505, where RFC 9112 asks for 400). A line that fills the buffer is Kestrel's
    /// (its 414: the buffer is its request-line limit).
    /// </summary>
    private bool WaitsForRequestLine() =>
        _end < _buffer.Length && _end > _start && FieldSyntax.IsToken(_buffer.AsSpan(_start, 1)) // A method's first byte: else (a TLS handshake, say) Kestrel's to refuse at once.
        && _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n') < 0;

    /// <summary>
    /// Reads until the request-line is whole or the buffer full. A client slower than the header timeout is answered 408,
    /// as Kestrel answers a head that takes too long, and the connection closed lingering.
    /// </summary>
    private async ValueTask<HeadRead> ReadWholeRequestLineAsync()
    {
        var outcome = await ReadWhileAsync(static connection => connection.WaitsForRequestLine()).ConfigureAwait(false);
        if (outcome == HeadRead.TimedOut)
        {
            await SendAsync(TimedOutAnswer(), _aborted.Token).ConfigureAwait(false);
        }
        if (outcome == HeadRead.ClientClosed)
        {
            _clientClosed = false; // Kestrel is to see the end, and answer what came.
        }
        return outcome;
    }

    private enum HeadRead
    {
        Whole,
        TimedOut,
        ClientClosed,
    }

    /// <summary>Receives for as long as <paramref name="wantsMore"/> says, within the header timeout.</summary>
    private async ValueTask<HeadRead> ReadWhileAsync(Func<LeanConnection, bool> wantsMore)
    {
        using var deadline = new CancellationTokenSource(_listener.HeadTimeout);
        while (wantsMore(this))
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return HeadRead.TimedOut;
            }
            if (read == 0)
            {
                _clientClosed = true;
                return HeadRead.ClientClosed;
            }
            _end += read;
        }
        return HeadRead.Whole;
    }

    /// <summary>The connection opens with the whole h2c preface, and the front serves HTTP/2: it does.</summary>
    private bool IsHttp2Preface() => _listener.ServesHttp2 && _buffer.AsSpan(_start, _end - _start).StartsWith(Http2.Http2Limits.Preface);

    /// <summary>What has come so far is the h2c preface's beginning, and only that.</summary>
    private bool IsStartOfHttp2Preface() =>
        _listener.ServesHttp2 && _end - _start < Http2.Http2Limits.Preface.Length && Http2.Http2Limits.Preface.StartsWith(_buffer.AsSpan(_start, _end - _start));

    /// <summary>
    /// Reads until the preface is whole (or turns out not to be one), so that every h2c connection is served
    /// by this front's HTTP/2, whatever pieces its preface came in; Kestrel's would answer some broken frames with
    /// INTERNAL_ERROR. False when the client closed, or took longer than the header timeout.
    /// </summary>
    private async ValueTask<bool> ReadWholePrefaceAsync()
    {
        var outcome = await ReadWhileAsync(static connection => connection.IsStartOfHttp2Preface()).ConfigureAwait(false);
        if (outcome == HeadRead.TimedOut)
        {
            Abort(); // As slow as a slowloris: reset, as Kestrel ends a head that takes too long.
        }
        return outcome == HeadRead.Whole;
    }

    /// <summary>An HTTP/2 connection has streams open.</summary>
    internal void MarkBusy()
    {
        if (BusySince == 0)
        {
            BusySince = Math.Max(1, Environment.TickCount64);
        }
    }

    /// <summary>An HTTP/2 connection's last open stream ended.</summary>
    internal void MarkIdle()
    {
        BusySince = 0;
        IdleSince = Environment.TickCount64;
    }

    internal void RequestFailed(Exception e) => _listener.Failed(e);

    internal bool GatewayStopping => _listener.IsStopping;

    /// <summary>Concurrent HTTP/2 streams a client may open (the gateway's MaxStreamsPerConnection).</summary>
    internal int MaxStreamsPerConnection => _listener.MaxStreamsPerConnection;

    private void BeginServing(LeanExchange exchange, long? contentLength)
    {
        exchange.Begin(contentLength);
        _bodyRate.Reset();
        _sendRate.Reset();
    }

    /// <summary>The request path threw: a 500 when nothing was sent yet (true, the connection goes on), else the connection is cut.</summary>
    private bool FailedBeforeEnd(LeanExchange exchange, Exception e)
    {
        _listener.Failed(e);
        if (exchange.HasStarted)
        {
            Abort();
            return false;
        }
        exchange.FailWith500();
        return true;
    }

    /// <summary>Ends the response once the request path returned; true when the connection can carry another request.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> EndServingAsync(LeanExchange exchange)
    {
        await exchange.Writer.EndAsync().ConfigureAwait(false);
        await exchange.RunOnCompletedAsync().ConfigureAwait(false);
        if (_isAborted || exchange.Writer.Truncated || ClosesAfterResponse)
        {
            return false;
        }
        return await DrainBodyAsync(exchange.RequestBody).ConfigureAwait(false);
    }

    /// <summary>A body the request path did not read: dropped when short, else the connection ends (as Kestrel does).</summary>
    private static async Task<bool> DrainBodyAsync(LeanRequestBody body)
    {
        if (body.Remaining == 0)
        {
            return true;
        }
        if (body.Remaining > MaxBodyToDrain)
        {
            return false;
        }
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (body.Remaining > 0)
            {
                await body.ReadAsync(scratch, CancellationToken.None).ConfigureAwait(false);
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Starts reading the next request's bytes; <paramref name="stepOffFirst"/> when the connection should leave the socket thread first (<see cref="ReadyStreak"/>).</summary>
    private ValueTask<int> ReceiveNext(out bool stepOffFirst)
    {
        var receiving = _socket.ReceiveAsync(_buffer.AsMemory(_end));
        if (!receiving.IsCompleted)
        {
            _exchange?.Writer.Release(); // Idle until the client speaks: an idle connection holds no answer buffer.
        }
        stepOffFirst = _readyStreak.StepOffAfter(receiving.IsCompleted);
        return receiving;
    }

    /// <summary>Body bytes for <see cref="LeanRequestBody"/>: those already read, else from the socket.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadBodyAsync(Memory<byte> into, CancellationToken ct)
    {
        if (_end > _start)
        {
            var take = Math.Min(into.Length, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(into.Span);
            _start += take;
            return take;
        }
        using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, _aborted.Token) : null;
        var receiving = _socket.ReceiveAsync(into, linked?.Token ?? _aborted.Token);
        if (!receiving.IsCompleted)
        {
            _bodyRate.Waiting();
        }
        var read = await receiving.ConfigureAwait(false);
        _bodyRate.Moved(read);
        return read;
    }

    /// <summary>Sends response bytes; false when the client is gone (the request is then aborted).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            var sending = _socket.SendAsync(bytes, ct);
            if (!sending.IsCompleted)
            {
                _sendRate.Waiting();
            }
            await sending.ConfigureAwait(false);
            _sendRate.Moved(bytes.Length);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort();
            return false;
        }
    }

    /// <summary>Ends the connection at once: the request in progress sees RequestAborted, the client a reset.</summary>
    public void Abort()
    {
        if (_isAborted)
        {
            return;
        }
        _isAborted = true;
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Called by the sweeper for a request running a while: when the client has closed its side, or sends
    /// its body or reads the answer below Kestrel's minimum data rate, the request is aborted.
    /// </summary>
    internal void CheckClientStillThere(long now)
    {
        if (_http2 is not null)
        {
            // Always reading, so a client that leaves ends the connection at once; a slow one loses its streams.
            _http2.CheckStreams(now);
            return;
        }
        if (_bodyRate.TooSlow(now) || _sendRate.TooSlow(now))
        {
            Abort();
            return;
        }
        try
        {
            if (_socket.PeerClosed())
            {
                Abort();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Abort();
        }
    }

    /// <summary>
    /// Ends an HTTP/2 connection whose client stopped reading (busy or idle: its pings and settings need answers too)
    /// once a send has waited past Kestrel's minimum data rate. True when it did. Called by the sweeper.
    /// </summary>
    internal bool AbortIfOutputStalled(long now)
    {
        if (_http2 is null || !_http2.Output.IsStalled(now))
        {
            return false;
        }
        Abort();
        return true;
    }

    /// <summary>Closes an idle connection (keep-alive timeout, or the gateway stopping).</summary>
    internal void CloseIdle()
    {
        if (_http2 is not null)
        {
            _http2.CloseIdle();
            return;
        }
        if (BusySince == 0)
        {
            Abort();
        }
    }

    private void HandOver()
    {
        _handedOver = true;
        _listener.HandOver(_socket, _buffer.AsSpan(_start, _end - _start).ToArray());
    }
}
