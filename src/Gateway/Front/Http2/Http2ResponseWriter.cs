using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A stream's response: the body gathers in one buffer until a flush; the first flush sends the header
/// block, the body follows as DATA within the client's flow-control windows, and the end of the stream
/// rides on the last frame: the HEADERS of an answer without body, the last DATA, or the trailers.
/// </summary>
internal sealed class Http2ResponseWriter(Http2Stream stream) : PipeWriter
{
    private byte[] _buffer = [];
    private byte[] _block = [];
    private int _pending;
    private long _sent;
    private bool _isHead;
    private bool _lastSent;

    public bool HeadSent { get; private set; }

    internal void Begin(bool isHead)
    {
        _isHead = isHead;
        _pending = 0;
        _sent = 0;
        _lastSent = false;
        HeadSent = false;
    }

    /// <summary>Gives the buffers back when the stream is done with.</summary>
    internal void Release()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private bool BodyForbidden => _isHead || stream.StatusCodeForbidsBody();

    public override void Advance(int bytes)
    {
        if (bytes < 0 || _pending + bytes > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes));
        }
        if (BodyForbidden)
        {
            return; // A HEAD answer, a 204 or a 304 carries no body: what is written is dropped.
        }
        if (stream.ResponseHeaders.ContentLength is { } length && _sent + _pending + bytes > length)
        {
            throw new InvalidOperationException($"Response Content-Length mismatch: too many bytes written ({_sent + _pending + bytes} of {length}).");
        }
        _pending += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var needed = _pending + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, _buffer.Length * 2)));
            _buffer.AsSpan(0, _pending).CopyTo(grown);
            Release();
            _buffer = grown;
        }
        return _buffer.AsMemory(_pending);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _pending;

    public override void CancelPendingFlush()
    {
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => SendAsync(last: false);

    /// <summary>What is pending is sent when the stream's request path returns (<see cref="EndAsync"/>): a synchronous complete cannot write.</summary>
    public override void Complete(Exception? exception = null)
    {
        if (exception is not null)
        {
            stream.Abort();
        }
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (exception is not null)
        {
            stream.Abort();
            return;
        }
        await SendAsync(last: true).ConfigureAwait(false);
    }

    internal ValueTask<FlushResult> EndAsync() => SendAsync(last: true);

    internal void DiscardPending() => _pending = 0;

    internal async Task StartAsync(CancellationToken cancellationToken) => await SendAsync(last: false).ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendAsync(bool last)
    {
        var output = stream.Connection.Output;
        if (_lastSent || stream.IsReset)
        {
            _pending = 0;
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
        if (last)
        {
            _lastSent = true;
        }
        var body = _buffer.AsMemory(0, BodyForbidden ? 0 : _pending);
        _pending = 0;
        _sent += body.Length;
        var declared = stream.ResponseHeaders.ContentLength;
        if (last && declared is { } length && _sent < length && !BodyForbidden)
        {
            // Too few bytes for the length the head gave: the client must not take it for the whole answer.
            stream.Connection.Reset(stream, Http2ErrorCode.InternalError);
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
        var trailers = last && stream.Trailers.Count > 0 ? stream.Trailers : null;
        if (!HeadSent)
        {
            await stream.RunOnStartingAsync().ConfigureAwait(false);
            var head = EncodeHead();
            HeadSent = true;
            var endWithHead = last && body.IsEmpty && trailers is null;
            lock (output.Sync)
            {
                if (stream.IsReset)
                {
                    return new FlushResult(isCanceled: false, isCompleted: true);
                }
                output.AppendHeaderBlock(stream.Id, head.Span, endWithHead);
                stream.HeadAppended = true;
                stream.LocalEnded |= endWithHead;
            }
            if (endWithHead)
            {
                await output.FlushSoonAsync().ConfigureAwait(false);
                return default;
            }
        }
        if (!await SendDataAsync(body, endStream: last && trailers is null).ConfigureAwait(false))
        {
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
        if (trailers is not null)
        {
            var block = EncodeFields(0, trailers);
            lock (output.Sync)
            {
                if (!stream.IsReset)
                {
                    output.AppendHeaderBlock(stream.Id, block.Span, endStream: true);
                    stream.LocalEnded = true;
                }
            }
        }
        await output.FlushSoonAsync().ConfigureAwait(false);
        return default;
    }

    /// <summary>DATA frames within the windows the client gives; false when the stream was reset meanwhile.</summary>
    private async ValueTask<bool> SendDataAsync(ReadOnlyMemory<byte> body, bool endStream)
    {
        var output = stream.Connection.Output;
        while (true)
        {
            Task wait;
            lock (output.Sync)
            {
                if (stream.IsReset || output.IsClosed)
                {
                    return false;
                }
                while (true)
                {
                    if (body.IsEmpty)
                    {
                        if (endStream)
                        {
                            output.AppendFrame(Http2FrameType.Data, Http2FrameFlags.EndStream, stream.Id, 0);
                            stream.LocalEnded = true;
                        }
                        return true;
                    }
                    var room = (int)Math.Min(Math.Min(stream.SendWindow, output.ConnectionWindow), output.PeerMaxFrameSize);
                    if (room <= 0)
                    {
                        break;
                    }
                    var take = Math.Min(room, body.Length);
                    var end = endStream && take == body.Length;
                    body.Span[..take].CopyTo(output.AppendFrame(Http2FrameType.Data, end ? Http2FrameFlags.EndStream : 0, stream.Id, take));
                    stream.SendRate.Moved(take);
                    stream.SendWindow -= take;
                    output.ConnectionWindow -= take;
                    body = body[take..];
                    if (end)
                    {
                        stream.LocalEnded = true;
                        return true;
                    }
                }
                wait = stream.WaitForWindowLocked();
                stream.SendRate.Waiting();
            }
            await output.FlushAsync().ConfigureAwait(false);
            await wait.ConfigureAwait(false);
        }
    }

    private ReadOnlyMemory<byte> EncodeHead()
    {
        var hasDate = stream.ResponseHeaders.ContainsKey(HeaderNames.Date);
        return EncodeFields(stream.StatusCode, stream.ResponseHeaders, hasDate ? null : DateHeader.Value);
    }

    /// <summary>A header block: the status (when not 0), the fields but those HTTP/2 forbids (RFC 9113 §8.2.2), and a date when given.</summary>
    private ReadOnlyMemory<byte> EncodeFields(int status, IHeaderDictionary fields, string? date = null)
    {
        while (true)
        {
            if (TryEncode(status, fields, date, _block, out var written))
            {
                return _block.AsMemory(0, written);
            }
            _block = new byte[Math.Max(256, _block.Length * 2)];
        }
    }

    private static bool TryEncode(int status, IHeaderDictionary fields, string? date, Span<byte> block, out int written)
    {
        written = 0;
        if (status != 0)
        {
            if (!HpackEncoder.TryWriteStatus(status, block, out written))
            {
                return false;
            }
        }
        var enumerator = fields is HeaderDictionary dictionary ? dictionary.GetEnumerator() : default;
        if (fields is HeaderDictionary)
        {
            while (enumerator.MoveNext())
            {
                if (!TryEncodeField(enumerator.Current.Key, enumerator.Current.Value, block, ref written))
                {
                    return false;
                }
            }
        }
        else
        {
            foreach (var (name, values) in fields)
            {
                if (!TryEncodeField(name, values, block, ref written))
                {
                    return false;
                }
            }
        }
        if (date is not null)
        {
            if (!HpackEncoder.TryWriteField(HeaderNames.Date, date, block[written..], out var dateLength))
            {
                return false;
            }
            written += dateLength;
        }
        return true;
    }

    private static bool TryEncodeField(string name, StringValues values, Span<byte> block, ref int written)
    {
        if (ConnectionSpecificFields.Contains(name))
        {
            return true;
        }
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }
            if (!HpackEncoder.TryWriteField(name, value, block[written..], out var length))
            {
                return false;
            }
            written += length;
        }
        return true;
    }
}
