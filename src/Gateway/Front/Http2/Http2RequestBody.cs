using System.Buffers;
using System.IO.Pipelines;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A stream's request body: DATA the connection's reading loop puts in, read out by the request path. It
/// never holds more than the stream's receive window, since the client may send no more than that
/// until the bytes read out are given back to it as WINDOW_UPDATE (<see cref="Http2Connection.BodyConsumed"/>).
/// </summary>
internal sealed class Http2RequestBody(Http2Stream stream) : Stream
{
    private static readonly PipeOptions Options = new(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    private Pipe? _pipe;
    private bool _ended;
    private long _read;

    /// <summary>Ready for the next request: empty, and ended at once when the request has no body.</summary>
    internal void Begin(bool hasBody)
    {
        if (_pipe is not null)
        {
            _pipe.Reader.Complete();
            _pipe.Writer.Complete();
            _pipe.Reset();
        }
        _ended = !hasBody;
        _read = 0;
    }

    /// <summary>DATA from the client (on the reading loop).</summary>
    internal void Received(ReadOnlySpan<byte> data)
    {
        if (_ended || data.IsEmpty)
        {
            return;
        }
        var pipe = _pipe ??= new Pipe(Options);
        data.CopyTo(pipe.Writer.GetSpan(data.Length));
        pipe.Writer.Advance(data.Length);
        var flushing = pipe.Writer.FlushAsync(); // Never waits: no pause threshold, flow control bounds what is held.
        if (flushing.IsCompleted)
        {
            flushing.GetAwaiter().GetResult();
        }
    }

    /// <summary>The client's END_STREAM, or its reset (<paramref name="error"/>), or the stream's end.</summary>
    internal void End(Exception? error = null)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        (_pipe ??= new Pipe(Options)).Writer.Complete(error);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || (_pipe is null && _ended))
        {
            return 0;
        }
        var reader = (_pipe ??= new Pipe(Options)).Reader;
        var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var taken = (int)Math.Min(buffer.Length, result.Buffer.Length);
        result.Buffer.Slice(0, taken).CopyTo(buffer.Span);
        reader.AdvanceTo(result.Buffer.GetPosition(taken));
        _read += taken;
        if (taken > 0)
        {
            stream.Connection.BodyConsumed(stream, taken);
        }
        return taken;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
