using System.Buffers;
using System.IO.Pipelines;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A stream's request body: DATA the connection's reading loop puts in, read out by the request path. It
/// never holds more than the stream's receive window, since the client may send no more than that
/// until the bytes read out are given back to it as WINDOW_UPDATE (<see cref="Http2Connection.BodyConsumed"/>).
/// </summary>
internal sealed class Http2RequestBody(Http2Stream stream) : RequestBodyStream
{
    private static readonly PipeOptions Options = new(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    // One per stream object, reused with it. The reading loop writes; a stream's end or reset may also end
    // it, from another thread: both under the lock, so no write follows the writer's completion.
    private readonly Pipe _pipe = new(Options);
    private readonly Lock _sync = new();
    private bool _ended;
    private long _read;

    // Whether this request has a body, so the pipe is in use. Most requests have none: they leave the pipe
    // as it is (whatever an earlier body left in it) and read as empty, sparing the pipe's own locking.
    private bool _hasBody;

    /// <summary>The request said "Expect: 100-continue": the first read sends the interim answer (RFC 9110 §10.1.1).</summary>
    internal bool ExpectsContinue { get; set; }

    /// <summary>Ready for the next request (on the reading loop, the stream ended): empty, and ended at once when the request has no body.</summary>
    internal void Begin(bool hasBody)
    {
        lock (_sync)
        {
            if (hasBody)
            {
                _pipe.Reader.Complete();
                _pipe.Writer.Complete();
                _pipe.Reset();
            }
            _hasBody = hasBody;
            _ended = !hasBody;
            _read = 0;
            ExpectsContinue = false;
        }
    }

    /// <summary>DATA from the client (on the reading loop); dropped once the body has ended.</summary>
    internal void Received(ReadOnlySpan<byte> data)
    {
        lock (_sync)
        {
            if (_ended || data.IsEmpty)
            {
                return;
            }
            data.CopyTo(_pipe.Writer.GetSpan(data.Length));
            _pipe.Writer.Advance(data.Length);
            var flushing = _pipe.Writer.FlushAsync(); // Never waits: no pause threshold, flow control bounds what is held.
            if (flushing.IsCompleted)
            {
                flushing.GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>The client's END_STREAM, or its reset (<paramref name="error"/>), or the stream's end.</summary>
    internal void End(Exception? error = null)
    {
        lock (_sync)
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            _pipe.Writer.Complete(error);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || !_hasBody)
        {
            return 0;
        }
        if (ExpectsContinue)
        {
            ExpectsContinue = false;
            stream.SendContinue();
        }
        var reader = _pipe.Reader;
        var reading = reader.ReadAsync(cancellationToken);
        if (!reading.IsCompleted)
        {
            stream.BodyRate.Waiting();
        }
        ReadResult result;
        try
        {
            result = await reading.ConfigureAwait(false);
        }
        finally
        {
            stream.BodyRate.Moved(0); // The wait is over, whatever ended it; the bytes are counted below.
        }
        stream.BodyRate.Moved((int)Math.Min(buffer.Length, result.Buffer.Length));
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

    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
}
