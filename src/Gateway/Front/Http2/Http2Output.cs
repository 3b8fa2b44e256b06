using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// The frames going to one client. Streams and the reading loop append whole frames under <see cref="Sync"/>
/// (so a header block's HEADERS and CONTINUATION frames stay together) and then flush; one flusher at a
/// time sends everything appended so far in a single write, so answers finishing together share a
/// syscall. Appenders that find a send in progress leave their frames to it and go on, unless more
/// than <see cref="SoftLimit"/> bytes wait, when they wait for the socket too.
/// </summary>
internal sealed class Http2Output(PolledSocket socket, Action<Exception> failed) : IEndOfBatch
{
    private const int SoftLimit = 64 * 1024;

    // Kestrel's minimum response data rate: after 5 s of waiting on the client, 240 bytes a second of that wait.
    private const long SendGraceMilliseconds = 5000;
    private const long MinBytesPerSecond = 240;

    // When the send in progress began waiting on the client (0: none waits) and its size: read by the sweeper.
    private long _sendWaitingSince;
    private int _sendWaitingLength;

    // The sweeper's own notes on the waiting send it last looked at: which one (its start), and how far it had
    // gone then. Its progress counts from that first look: a send's first bytes may go only after it is
    // marked waiting (at the end of the event loop's batch, with its ring), and must not count as moved while waiting.
    private long _watchedSince;
    private long _watchedAt;
    private int _watchedFrom;

    private byte[] _pending = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _pendingLength;
    private byte[]? _free;
    private bool _sending;
    private bool _closed;
    private TaskCompletionSource? _drained;

    /// <summary>Held while appending frames and while reading or changing the send windows.</summary>
    public object Sync { get; } = new();

    /// <summary>The client's SETTINGS_MAX_FRAME_SIZE: the largest frame payload it takes.</summary>
    public int PeerMaxFrameSize { get; set; } = Http2Limits.DefaultMaxFrameSize;

    /// <summary>The client connection's flow-control window for the DATA this side sends (RFC 9113 §6.9).</summary>
    public long ConnectionWindow { get; set; } = Http2Limits.DefaultWindow;

    public bool IsClosed => _closed;

    // 1 while a flush is held back for the end of an event loop's batch (FlushSoonAsync).
    private int _flushHeld;

    /// <summary>Room for a frame of <paramref name="payloadLength"/> bytes: its 9-byte header written, the payload's span returned. Under <see cref="Sync"/>.</summary>
    public Span<byte> AppendFrame(Http2FrameType type, Http2FrameFlags flags, int streamId, int payloadLength)
    {
        Reserve(Http2Limits.FrameHeaderLength + payloadLength);
        var frame = _pending.AsSpan(_pendingLength, Http2Limits.FrameHeaderLength + payloadLength);
        frame[0] = (byte)(payloadLength >> 16);
        frame[1] = (byte)(payloadLength >> 8);
        frame[2] = (byte)payloadLength;
        frame[3] = (byte)type;
        frame[4] = (byte)flags;
        BinaryPrimitives.WriteInt32BigEndian(frame[5..], streamId & int.MaxValue);
        _pendingLength += frame.Length;
        return frame[Http2Limits.FrameHeaderLength..];
    }

    // The client's SETTINGS_HEADER_TABLE_SIZE shrank since the last header block: the next one starts with a size update.
    private bool _tableSizeUpdatePending;

    // The client's SETTINGS_HEADER_TABLE_SIZE as last announced (4096 until it says otherwise).
    private uint _decoderTableSize = 4096;

    /// <summary>
    /// The client announced SETTINGS_HEADER_TABLE_SIZE. A smaller table must be acknowledged by a dynamic table size
    /// update at the start of the next header block (RFC 7541 §4.2); the update says 0, the table this encoder uses,
    /// which no announcement can be below. Under <see cref="Sync"/>.
    /// </summary>
    public void DecoderTableSizeChanged(uint size)
    {
        if (size < _decoderTableSize)
        {
            _tableSizeUpdatePending = true;
        }
        _decoderTableSize = size;
    }

    /// <summary>A header block as one HEADERS frame and as many CONTINUATION frames as the client's frame size needs. Under <see cref="Sync"/>.</summary>
    public void AppendHeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        if (_tableSizeUpdatePending)
        {
            _tableSizeUpdatePending = false;
            var updated = new byte[block.Length + 1];
            updated[0] = 0x20; // Dynamic table size update (§6.3) to 0: 001 and a 5-bit integer.
            block.CopyTo(updated.AsSpan(1));
            AppendHeaderBlock(streamId, updated, endStream);
            return;
        }
        var first = Math.Min(block.Length, PeerMaxFrameSize);
        var flags = (endStream ? Http2FrameFlags.EndStream : 0) | (first == block.Length ? Http2FrameFlags.EndHeaders : 0);
        block[..first].CopyTo(AppendFrame(Http2FrameType.Headers, flags, streamId, first));
        block = block[first..];
        while (!block.IsEmpty)
        {
            var next = Math.Min(block.Length, PeerMaxFrameSize);
            block[..next].CopyTo(AppendFrame(Http2FrameType.Continuation, next == block.Length ? Http2FrameFlags.EndHeaders : 0, streamId, next));
            block = block[next..];
        }
    }

    public void AppendRstStream(int streamId, Http2ErrorCode code) =>
        BinaryPrimitives.WriteUInt32BigEndian(AppendFrame(Http2FrameType.RstStream, 0, streamId, 4), (uint)code);

    public void AppendWindowUpdate(int streamId, int increment) =>
        BinaryPrimitives.WriteInt32BigEndian(AppendFrame(Http2FrameType.WindowUpdate, 0, streamId, 4), increment);

    public void AppendGoAway(int lastStreamId, Http2ErrorCode code)
    {
        var payload = AppendFrame(Http2FrameType.GoAway, 0, 0, 8);
        BinaryPrimitives.WriteInt32BigEndian(payload, lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], (uint)code);
    }

    private void Reserve(int bytes)
    {
        if (_pendingLength + bytes <= _pending.Length)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_pendingLength + bytes, _pending.Length * 2));
        _pending.AsSpan(0, _pendingLength).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_pending);
        _pending = grown;
    }

    /// <summary>
    /// Sends what was appended. Completes at once when another flush is sending (it takes these frames
    /// too) unless too much waits; else this caller sends, until nothing is left.
    /// </summary>
    public ValueTask FlushAsync()
    {
        lock (Sync)
        {
            if (_closed || _pendingLength == 0)
            {
                return default;
            }
            if (_sending)
            {
                if (_pendingLength <= SoftLimit)
                {
                    return default;
                }
                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return new ValueTask(_drained.Task);
            }
            _sending = true;
        }
        return SendAllAsync();
    }

    /// <summary>
    /// A flush made at the end of this event loop's batch of events, so answers finishing together leave
    /// together; at once when held back too much already or off the event loops. On loopback benchmarks
    /// every write to a client also wakes it: HAProxy, which flushes once per turn of its event loop, wrote
    /// 0.2 times per h2c request where the gateway wrote once per answer.
    /// </summary>
    public ValueTask FlushSoonAsync()
    {
        bool tooMuchHeld;
        lock (Sync)
        {
            if (_closed || _pendingLength == 0)
            {
                return default;
            }
            tooMuchHeld = _pendingLength > SoftLimit;
        }
        // Outside the lock: a flush made now may send, and no socket write happens under it.
        if (tooMuchHeld || EventLoop.Current is not { } loop)
        {
            return FlushAsync();
        }
        if (Interlocked.Exchange(ref _flushHeld, 1) == 0)
        {
            loop.AtEndOfBatch(this); // Held already (perhaps by the loop of an upstream answer): that batch's end flushes it.
        }
        return default;
    }

    void IEndOfBatch.EndOfBatch()
    {
        Volatile.Write(ref _flushHeld, 0);
        FlushInBackground();
    }

    /// <summary>Sends everything appended and waits until it has all been written (or the connection failed): before a close.</summary>
    public async ValueTask DrainAsync()
    {
        while (true)
        {
            Task? sending = null;
            lock (Sync)
            {
                if (_closed || (_pendingLength == 0 && !_sending))
                {
                    return;
                }
                if (_sending)
                {
                    _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    sending = _drained.Task;
                }
            }
            if (sending is null)
            {
                await FlushAsync().ConfigureAwait(false);
            }
            else
            {
                await sending.ConfigureAwait(false);
            }
        }
    }

    /// <summary>A flush for callers that go on regardless: a send it starts finishes on its own.</summary>
    public void FlushInBackground() => Observe(FlushAsync());

    /// <summary><see cref="FlushSoonAsync"/> for callers that go on regardless (window updates, resets, a stream's end).</summary>
    public void FlushSoon() => Observe(FlushSoonAsync());

    private static void Observe(ValueTask flushing)
    {
        if (!flushing.IsCompleted)
        {
            _ = flushing.AsTask();
        }
        else
        {
            flushing.GetAwaiter().GetResult();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            TaskCompletionSource? drained = null;
            var done = false;
            lock (Sync)
            {
                buffer = _pending;
                length = _pendingLength;
                if (length == 0 || _closed)
                {
                    done = true;
                    _sending = false;
                    (drained, _drained) = (_drained, null);
                }
                else
                {
                    _pending = _free ?? ArrayPool<byte>.Shared.Rent(buffer.Length);
                    _free = null;
                    _pendingLength = 0;
                    (drained, _drained) = (_drained, null); // Those waiting have their frames in this send.
                }
            }
            if (done)
            {
                drained?.TrySetResult();
                return;
            }
            try
            {
                var sending = socket.SendAsync(buffer.AsMemory(0, length));
                if (!sending.IsCompleted)
                {
                    Volatile.Write(ref _sendWaitingLength, length);
                    Volatile.Write(ref _sendWaitingSince, Math.Max(1, Environment.TickCount64));
                }
                await sending.ConfigureAwait(false);
                Volatile.Write(ref _sendWaitingSince, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                TaskCompletionSource? later;
                lock (Sync)
                {
                    _closed = true;
                    _sending = false;
                    (later, _drained) = (_drained, null);
                }
                drained?.TrySetResult();
                later?.TrySetResult();
                failed(e);
                return;
            }
            lock (Sync)
            {
                if (_free is null)
                {
                    _free = buffer;
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            drained?.TrySetResult();
        }
    }

    /// <summary>
    /// A send has waited on the client longer than Kestrel's minimum response data rate allows: a client that stops
    /// reading would otherwise hold the connection, its streams and their answers for ever, the reading loop too once
    /// it flushes (RFC 9113 §10.5; CVE-2019-9517). Read by the sweeper, which then ends the connection.
    /// </summary>
    public bool IsStalled(long now)
    {
        var since = Volatile.Read(ref _sendWaitingSince);
        if (since == 0)
        {
            return false;
        }
        var waited = now - since;
        if (socket.SendProgress is not { } progress)
        {
            // Progress unseen: the whole send is allowed its time at the minimum rate, as Kestrel times each write.
            return waited > SendGraceMilliseconds + Volatile.Read(ref _sendWaitingLength) * 1000L / MinBytesPerSecond;
        }
        // A send that finished (and another began) while this looked would pair one's start with the other's progress.
        if (Volatile.Read(ref _sendWaitingSince) != since)
        {
            return false;
        }
        if (_watchedSince != since)
        {
            (_watchedSince, _watchedAt, _watchedFrom) = (since, now, progress); // First look at this send: its rate is measured from here.
            return false;
        }
        return waited > SendGraceMilliseconds && (progress - _watchedFrom) * 1000L < MinBytesPerSecond * (now - _watchedAt);
    }

    /// <summary>No more frames: what waits is dropped, and the spare buffer goes back to the pool (the one being appended to is left to the collector, since a late appender may still write to it).</summary>
    public void Close()
    {
        TaskCompletionSource? drained;
        lock (Sync)
        {
            _closed = true;
            _pendingLength = 0;
            (drained, _drained) = (_drained, null);
            if (_free is not null)
            {
                ArrayPool<byte>.Shared.Return(_free);
                _free = null;
            }
        }
        drained?.TrySetResult();
    }
}
