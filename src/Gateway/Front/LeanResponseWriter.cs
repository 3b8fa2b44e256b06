using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Mesh.Gateway.Front;

/// <summary>
/// The response body of a lean exchange. Bytes gather in one buffer until a flush; the first flush
/// sends the head with them in a single write. A response whose length is unknown when its head goes
/// out is sent chunked; one completed before any flush gets a Content-Length instead.
/// </summary>
internal sealed class LeanResponseWriter(LeanConnection connection, LeanExchange exchange) : PipeWriter
{
    /// <summary>Room kept before the body for a chunk's size line, so a chunk goes out in one write.</summary>
    private const int ChunkHeaderRoom = 10;

    /// <summary>Room kept after the body for the chunk's CRLF and the last-chunk "0\r\n\r\n".</summary>
    private const int ChunkTrailerRoom = 7;

    private byte[] _buffer = [];
    private int _pending;
    private long _sent;
    private bool _isHead;
    private bool _chunked;
    private long? _declaredLength;
    private bool _lastSent;

    public bool HeadSent { get; private set; }

    /// <summary>The response ended with fewer body bytes than its Content-Length said: the connection cannot carry another.</summary>
    public bool Truncated { get; private set; }

    internal void Begin(bool isHead)
    {
        _isHead = isHead;
        _pending = 0;
        _sent = 0;
        _chunked = false;
        _declaredLength = null;
        _lastSent = false;
        HeadSent = false;
        Truncated = false;
    }

    /// <summary>Gives the buffer back between requests on an idle connection.</summary>
    internal void Release()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    public override void Advance(int bytes)
    {
        if (bytes < 0 || ChunkHeaderRoom + _pending + bytes > _buffer.Length - ChunkTrailerRoom)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes));
        }
        if (_isHead || exchange.StatusCodeForbidsBody())
        {
            return; // A HEAD answer, a 204 or a 304 carries no body: what is written is dropped.
        }
        var declared = _declaredLength ?? exchange.ResponseHeaders.ContentLength;
        if (declared is { } length && _sent + _pending + bytes > length)
        {
            throw new InvalidOperationException($"Response Content-Length mismatch: too many bytes written ({_sent + _pending + bytes} of {length}).");
        }
        _pending += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(ChunkHeaderRoom + _pending, _buffer.Length - ChunkTrailerRoom - ChunkHeaderRoom - _pending);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    private void Reserve(int sizeHint)
    {
        var needed = ChunkHeaderRoom + _pending + Math.Max(sizeHint, 1) + ChunkTrailerRoom;
        if (needed <= _buffer.Length)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, _buffer.Length * 2)));
        if (_pending > 0)
        {
            _buffer.AsSpan(ChunkHeaderRoom, _pending).CopyTo(grown.AsSpan(ChunkHeaderRoom));
        }
        Release();
        _buffer = grown;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _pending;

    public override void CancelPendingFlush()
    {
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => SendAsync(last: false, cancellationToken);

    /// <summary>What is pending is sent when the exchange ends (<see cref="EndAsync"/>): a synchronous complete cannot write.</summary>
    public override void Complete(Exception? exception = null)
    {
        if (exception is not null)
        {
            connection.Abort();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (exception is not null)
        {
            connection.Abort();
            return;
        }
        await SendAsync(last: true, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Ends the response when the request path returned: what is pending, and the end of the body (once).</summary>
    internal ValueTask<FlushResult> EndAsync() => SendAsync(last: true, CancellationToken.None);

    /// <summary>The request path failed before the head went out: what it wrote is dropped for a 500.</summary>
    internal void DiscardPending() => _pending = 0;

    /// <summary>Sends the head now, with whatever body is pending.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken) => await SendAsync(last: false, cancellationToken).ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendAsync(bool last, CancellationToken cancellationToken)
    {
        if (_lastSent || connection.IsAborted)
        {
            _pending = 0;
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
        ReadOnlyMemory<byte> output;
        if (!HeadSent)
        {
            await exchange.RunOnStartingAsync().ConfigureAwait(false);
            connection.CloseAfterResponseIfBodyTooLargeToDrain(exchange.RequestBody.Remaining);
            var head = ResponseHeadWriter.Write(exchange, connection.HeadBuffer, _isHead, last ? _pending : null, connection.ClosesAfterResponse,
                roomAfter: ChunkHeaderRoom + _pending + ChunkTrailerRoom, out _chunked, out _declaredLength);
            connection.HeadBuffer = head.Buffer;
            HeadSent = true;
            output = Frame(head.Buffer, head.Length, last);
        }
        else
        {
            output = Frame(null, 0, last);
        }
        _sent += _pending;
        _pending = 0;
        if (last)
        {
            _lastSent = true;
            if (_declaredLength is { } declared && _sent < declared && !_isHead && !exchange.StatusCodeForbidsBody())
            {
                Truncated = true;
            }
        }
        if (output.IsEmpty)
        {
            return default;
        }
        return await connection.SendAsync(output, cancellationToken).ConfigureAwait(false)
            ? default
            : new FlushResult(isCanceled: false, isCompleted: true);
    }

    /// <summary>
    /// The pending body in its framing; when a head is given, copied in after it (heads are short, and the
    /// head writer left room for the body), so that head and body leave in one write.
    /// </summary>
    private ReadOnlyMemory<byte> Frame(byte[]? head, int headLength, bool last)
    {
        var (start, end) = _chunked ? FrameChunk(last) : (ChunkHeaderRoom, ChunkHeaderRoom + (_isHead ? 0 : _pending));
        var framed = end > start ? _buffer.AsMemory(start, end - start) : ReadOnlyMemory<byte>.Empty;
        if (head is null)
        {
            return framed;
        }
        framed.Span.CopyTo(head.AsSpan(headLength));
        return head.AsMemory(0, headLength + framed.Length);
    }

    /// <summary>Writes the chunk's size line and CRLF (and the last chunk, at the end) into the room kept around the pending bytes.</summary>
    private (int Start, int End) FrameChunk(bool last)
    {
        Reserve(0);
        var start = ChunkHeaderRoom;
        var end = ChunkHeaderRoom + _pending;
        if (_pending > 0)
        {
            Span<byte> size = stackalloc byte[ChunkHeaderRoom];
            Utf8Formatter.TryFormat(_pending, size, out var digits, new StandardFormat('X'));
            "\r\n"u8.CopyTo(size[digits..]);
            start -= digits + 2;
            size[..(digits + 2)].CopyTo(_buffer.AsSpan(start));
            "\r\n"u8.CopyTo(_buffer.AsSpan(end));
            end += 2;
        }
        if (last)
        {
            "0\r\n\r\n"u8.CopyTo(_buffer.AsSpan(end));
            end += 5;
        }
        return (start, end);
    }
}
