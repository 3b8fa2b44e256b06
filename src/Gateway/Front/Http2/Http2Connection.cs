using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// An h2c connection (prior knowledge, RFC 9113 §3.3) served by the lean front: one loop reads frames on
/// the thread its socket completes on and starts each request there, as the HTTP/1.1 front does; the
/// streams' answers go out through <see cref="Http2Output"/>, which gathers the frames of answers that
/// finish together into one write. Limits are Kestrel's defaults, so clients see what they saw before.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its reading loop disposes what it owns as it ends (End).")]
internal sealed class Http2Connection
{
    private const int ReadBufferSize = 32 * 1024;

    /// <summary>Ended streams kept for reuse.</summary>
    private const int StreamsKept = 16;

    /// <summary>A header block split over CONTINUATION frames may grow to this before the connection is refused.</summary>
    private const int MaxHeaderBlock = 2 * Http2Limits.MaxHeaderListSize;

    private readonly PolledSocket _socket;
    private readonly LeanConnection _lean;
    private readonly MeshProxy _proxy;
    private readonly HpackDecoder _decoder = new(Http2Limits.HeaderTableSize, Http2Limits.MaxHeaderListSize);
    private readonly Http2RequestHeadReader _headReader = new();
    private readonly DiscardingSink _discard = new();
    private readonly Dictionary<int, Http2Stream> _streams = [];
    private readonly Stack<Http2Stream> _kept = new();
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private int _lastStreamId;

    // Frames of the header block being read: 64 KiB takes four at the default frame size, and 1 KiB ones would be 64.
    private const int MaxHeaderBlockFrames = 128;
    private int _blockFrames;

    // Streams refused since the last one admitted: a client past MaxRefusedInARow is ending the connection's use.
    private const int MaxRefusedInARow = 200;
    private int _refusedInARow;
    private bool _settingsAcknowledged;

    // The last streams this side reset (refused, or ended before the client finished sending): frames the client
    // sent on them before it knew are ignored, where frames on any other closed stream are an error (RFC 9113 §5.1).
    private readonly int[] _resetByUs = new int[256]; // More than the streams a client may have open (and reset) at once.
    private int _resetByUsNext;
    private bool _settingsReceived;
    private volatile bool _goingAway;

    /// <summary>Cancels the reading loop's receive when the connection should close while idle (GOAWAY sent, last stream ended).</summary>
    private CancellationTokenSource _wake = new();

    /// <summary>The last stream id a GOAWAY announced: a later one may not announce more (RFC 9113 §6.8).</summary>
    private int _goAwayLastId = int.MaxValue;
    private long _peerInitialWindow = Http2Limits.DefaultWindow;
    private long _receiveWindow = Http2Limits.ConnectionReceiveWindow;
    private int _unacknowledged;
    private ReadyStreak _readyStreak;

    // A header block continued in CONTINUATION frames.
    private int _blockStream;
    private bool _blockEndsStream;
    private bool _blockSelfDependent;
    private byte[] _block = [];
    private int _blockLength;

    public Http2Connection(PolledSocket socket, LeanConnection lean, MeshProxy proxy)
    {
        _socket = socket;
        _lean = lean;
        _proxy = proxy;
        Output = new Http2Output(socket, _ => lean.Abort());
        EndPoints = ((IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)socket.RemoteEndPoint!);
    }

    public Http2Output Output { get; }

    public (IPEndPoint Local, IPEndPoint Remote) EndPoints { get; }

    public string Id => _lean.Id;

    /// <summary>Serves the connection; <paramref name="alreadyRead"/> starts with the client's preface.</summary>
    public async Task RunAsync(ReadOnlyMemory<byte> alreadyRead)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ReadBufferSize, alreadyRead.Length));
        alreadyRead.Span.CopyTo(_buffer);
        _start = Http2Limits.Preface.Length;
        _end = alreadyRead.Length;
        try
        {
            SendOwnSettings();
            while (true)
            {
                try
                {
                    ReadFrames();
                }
                catch (Http2ConnectionException e)
                {
                    lock (Output.Sync)
                    {
                        AppendGoAwayLocked(_lastStreamId, e.Code);
                    }
                    await CloseAsync().ConfigureAwait(false);
                    return;
                }
                await Output.FlushAsync().ConfigureAwait(false);
                if (_goingAway && IsIdle)
                {
                    await CloseAsync().ConfigureAwait(false);
                    return;
                }
                if (_start == _end)
                {
                    _start = _end = 0;
                }
                else if (_buffer.Length - _end < Http2Limits.FrameHeaderLength + Http2Limits.DefaultMaxFrameSize)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    (_end, _start) = (_end - _start, 0);
                }
                if (!Thread.CurrentThread.IsThreadPoolThread)
                {
                    SocketThreadTurns.EndTurnIfLong();
                }
                var receiving = _socket.ReceiveAsync(_buffer.AsMemory(_end), _wake.Token);
                if (_readyStreak.StepOffAfter(receiving.IsCompleted))
                {
                    await Task.Yield(); // Frames always waiting: a busy client would keep the socket thread from its other connections.
                }
                int read;
                try
                {
                    read = await receiving.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_wake.IsCancellationRequested)
                {
                    if (!IsIdle)
                    {
                        // Only woken when idle with no more streams to come; should one be open all the same, it is served.
                        _wake.Dispose();
                        _wake = new CancellationTokenSource();
                        continue;
                    }
                    await CloseAsync().ConfigureAwait(false); // Woken to close: GOAWAY went out, no stream is open.
                    return;
                }
                if (read == 0)
                {
                    return;
                }
                _end += read;
            }
        }
        finally
        {
            End();
        }
    }

    /// <summary>
    /// Ends the connection from this side, losing nothing already promised: every frame written. The lean
    /// connection then closes lingering (<see cref="LingeringClose"/>), so that a reset cannot destroy the
    /// GOAWAY before the client reads it.
    /// </summary>
    private async Task CloseAsync()
    {
        try
        {
            // A client that stopped reading must not keep the connection: 5 s to take what is left.
            await Output.DrainAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _lean.Abort();
        }
    }

    private void AppendGoAwayLocked(int lastStreamId, Http2ErrorCode code)
    {
        _goAwayLastId = Math.Min(_goAwayLastId, lastStreamId);
        Output.AppendGoAway(_goAwayLastId, code);
    }

    /// <summary>Has the reading loop close the connection (it owns the socket's end).</summary>
    private void Wake()
    {
        try
        {
            _wake.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private bool IsIdle
    {
        get
        {
            lock (Output.Sync)
            {
                return _streams.Count == 0;
            }
        }
    }

    /// <summary>Ours (RFC 9113 §3.4): Kestrel's stream limit and windows, then the connection window raised to match.</summary>
    private void SendOwnSettings()
    {
        lock (Output.Sync)
        {
            var settings = Output.AppendFrame(Http2FrameType.Settings, 0, 0, 18);
            WriteSetting(settings, Http2SettingId.MaxConcurrentStreams, _lean.MaxStreamsPerConnection);
            WriteSetting(settings[6..], Http2SettingId.InitialWindowSize, Http2Limits.StreamReceiveWindow);
            WriteSetting(settings[12..], Http2SettingId.MaxHeaderListSize, Http2Limits.MaxHeaderListSize);
            Output.AppendWindowUpdate(0, Http2Limits.ConnectionReceiveWindow - Http2Limits.DefaultWindow);
        }

        static void WriteSetting(Span<byte> into, Http2SettingId id, int value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(into, (ushort)id);
            BinaryPrimitives.WriteInt32BigEndian(into[2..], value);
        }
    }

    /// <summary>Handles every whole frame in the buffer.</summary>
    private void ReadFrames()
    {
        while (_end - _start >= Http2Limits.FrameHeaderLength)
        {
            var header = _buffer.AsSpan(_start, Http2Limits.FrameHeaderLength);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            if (length > Http2Limits.DefaultMaxFrameSize)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"a frame of {length} bytes, beyond the {Http2Limits.DefaultMaxFrameSize} this side takes");
            }
            if (_end - _start < Http2Limits.FrameHeaderLength + length)
            {
                return;
            }
            var type = (Http2FrameType)header[3];
            var flags = (Http2FrameFlags)header[4];
            var streamId = BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue;
            var payload = _buffer.AsSpan(_start + Http2Limits.FrameHeaderLength, length);
            _start += Http2Limits.FrameHeaderLength + length;
            if (!_settingsReceived && type != Http2FrameType.Settings)
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "the preface was not followed by SETTINGS");
            }
            if (_blockStream != 0 && type != Http2FrameType.Continuation)
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "a frame in the middle of a header block");
            }
            try
            {
                OnFrame(type, flags, streamId, payload);
            }
            catch (Http2StreamException e)
            {
                ResetFromReader(e.StreamId, e.Code);
            }
        }
    }

    private void OnFrame(Http2FrameType type, Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case Http2FrameType.Data:
                OnData(flags, streamId, payload);
                break;
            case Http2FrameType.Headers:
                OnHeaders(flags, streamId, payload);
                break;
            case Http2FrameType.Priority:
                OnPriority(streamId, payload);
                break;
            case Http2FrameType.RstStream:
                OnRstStream(streamId, payload);
                break;
            case Http2FrameType.Settings:
                OnSettings(flags, streamId, payload);
                break;
            case Http2FrameType.PushPromise:
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE from a client");
            case Http2FrameType.Ping:
                OnPing(flags, streamId, payload);
                break;
            case Http2FrameType.GoAway:
                if (streamId != 0)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "GOAWAY on a stream");
                }
                if (payload.Length < 8)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "GOAWAY shorter than its fields");
                }
                _goingAway = true; // The client opens no more streams; the connection ends once those open have.
                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(streamId, payload);
                break;
            case Http2FrameType.Continuation:
                OnContinuation(flags, streamId, payload);
                break;
            default:
                break; // Unknown frame types are ignored (RFC 9113 §4.1).
        }
    }

    private void OnSettings(Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream");
        }
        if ((flags & Http2FrameFlags.Ack) != 0)
        {
            if (!payload.IsEmpty)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "a SETTINGS acknowledgement with a payload");
            }
            _settingsAcknowledged = true;
            return;
        }
        if (payload.Length % 6 != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS whose length is not a multiple of 6");
        }
        _settingsReceived = true;
        List<Http2Stream>? woken = null;
        lock (Output.Sync)
        {
            for (var at = 0; at < payload.Length; at += 6)
            {
                var id = (Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(at + 2)..]);
                switch (id)
                {
                    case Http2SettingId.EnablePush when value > 1:
                        throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS_ENABLE_PUSH other than 0 or 1");
                    case Http2SettingId.InitialWindowSize:
                        if (value > Http2Limits.LargestWindow)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
                        }
                        // Every open stream's window moves by the change (RFC 9113 §6.9.2).
                        var change = value - _peerInitialWindow;
                        foreach (var stream in _streams.Values)
                        {
                            stream.SendWindow += change;
                            if (stream.SendWindow > Http2Limits.LargestWindow)
                            {
                                throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "a stream window above 2^31-1");
                            }
                            if (change > 0)
                            {
                                (woken ??= []).Add(stream);
                            }
                        }
                        _peerInitialWindow = value;
                        break;
                    case Http2SettingId.MaxFrameSize:
                        if (value is < Http2Limits.DefaultMaxFrameSize or > Http2Limits.LargestMaxFrameSize)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS_MAX_FRAME_SIZE out of range");
                        }
                        Output.PeerMaxFrameSize = (int)value;
                        break;
                    case Http2SettingId.HeaderTableSize:
                        // The encoder never indexes, but a decoder whose table was made smaller expects the next header
                        // block to start with a size update (RFC 7541 §4.2); nghttp2's refuses the block otherwise.
                        Output.DecoderTableSizeChanged(value);
                        break;
                    default:
                        break; // The rest are advice.
                }
            }
            Output.AppendFrame(Http2FrameType.Settings, Http2FrameFlags.Ack, 0, 0);
        }
        WakeWindowWaiters(woken);
    }

    private void OnPing(Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 8)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "a PING that is not 8 bytes");
        }
        if (streamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PING on a stream");
        }
        if ((flags & Http2FrameFlags.Ack) == 0)
        {
            lock (Output.Sync)
            {
                payload.CopyTo(Output.AppendFrame(Http2FrameType.Ping, Http2FrameFlags.Ack, 0, 8));
            }
        }
    }

    private void OnWindowUpdate(int streamId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "a WINDOW_UPDATE that is not 4 bytes");
        }
        var increment = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
        if (streamId == 0)
        {
            if (increment == 0)
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "a WINDOW_UPDATE of 0 for the connection");
            }
            List<Http2Stream> woken;
            lock (Output.Sync)
            {
                Output.ConnectionWindow += increment;
                if (Output.ConnectionWindow > Http2Limits.LargestWindow)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "a connection window above 2^31-1");
                }
                woken = [.. _streams.Values];
            }
            WakeWindowWaiters(woken);
            return;
        }
        CheckNotIdle(streamId, "WINDOW_UPDATE");
        if (increment == 0)
        {
            throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, "a WINDOW_UPDATE of 0");
        }
        Http2Stream? target;
        lock (Output.Sync)
        {
            if (!_streams.TryGetValue(streamId, out target) || target.IsReset)
            {
                return; // A stream that ended: its window no longer matters.
            }
            target.SendWindow += increment;
            if (target.SendWindow > Http2Limits.LargestWindow)
            {
                throw new Http2StreamException(streamId, Http2ErrorCode.FlowControlError, "a stream window above 2^31-1");
            }
        }
        target.WakeWindowWaiter();
    }

    private static void WakeWindowWaiters(List<Http2Stream>? streams)
    {
        if (streams is null)
        {
            return;
        }
        foreach (var stream in streams)
        {
            stream.WakeWindowWaiter();
        }
    }

    private static void OnPriority(int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PRIORITY for the connection");
        }
        if (payload.Length != 5)
        {
            throw new Http2StreamException(streamId, Http2ErrorCode.FrameSizeError, "a PRIORITY that is not 5 bytes");
        }
        if ((BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue) == streamId)
        {
            throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, "a stream depending on itself");
        }
        // Priorities are advice (RFC 9113 §5.3); answers go out as they are ready.
    }

    private void OnRstStream(int streamId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "an RST_STREAM that is not 4 bytes");
        }
        if (streamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "RST_STREAM for the connection");
        }
        CheckNotIdle(streamId, "RST_STREAM");
        Http2Stream? stream;
        lock (Output.Sync)
        {
            if (!_streams.TryGetValue(streamId, out stream) || stream.IsReset)
            {
                return;
            }
            stream.MarkReset();
        }
        stream.Abort(new IOException($"the client reset the stream ({(Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload)})"));
    }

    /// <summary>A frame that names a stream the client never opened is a connection error (RFC 9113 §5.1, idle state).</summary>
    private void CheckNotIdle(int streamId, string frame)
    {
        // Even ids are the server's to open, and it opens none: such a stream is idle for ever (RFC 9113 §5.1.1).
        if (streamId > _lastStreamId || (streamId & 1) == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"{frame} for stream {streamId}, which was never opened");
        }
    }

    private void OnData(Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "DATA for the connection");
        }
        CheckNotIdle(streamId, "DATA");
        var frameLength = payload.Length;
        var data = Unpad(flags, payload);
        Http2Stream? stream;
        lock (Output.Sync)
        {
            if (frameLength > _receiveWindow)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "DATA beyond the connection's window");
            }
            _receiveWindow -= frameLength;
            if (!_streams.TryGetValue(streamId, out stream) || stream.IsReset || stream.RemoteEnded)
            {
                CreditLocked(frameLength); // For a stream that ended: dropped, the window given back.
                if (stream is { IsReset: false, RemoteEnded: true } || (stream is null && !WasResetByUsLocked(streamId)))
                {
                    // Closed, and not by a reset of this side the client may not have seen yet (RFC 9113 §6.1).
                    throw new Http2StreamException(streamId, Http2ErrorCode.StreamClosed, "DATA on a closed stream");
                }
                return;
            }
            if (frameLength > stream.ReceiveWindow)
            {
                CreditLocked(frameLength);
                throw new Http2StreamException(streamId, Http2ErrorCode.FlowControlError, "DATA beyond the stream's window");
            }
            stream.ReceiveWindow -= frameLength;
            // Padding is never read out: given back to both windows now (RFC 9113 §6.1 counts it in both).
            CreditLocked(frameLength - data.Length);
            CreditStreamLocked(stream, frameLength - data.Length);
            stream.ReceivedLength += data.Length;
            if ((flags & Http2FrameFlags.EndStream) != 0)
            {
                stream.RemoteEnded = true;
            }
        }
        if (stream.DeclaredLength is { } declared
            && (stream.ReceivedLength > declared || ((flags & Http2FrameFlags.EndStream) != 0 && stream.ReceivedLength != declared)))
        {
            throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, "DATA that disagrees with the content-length");
        }
        stream.RequestBody.Received(data);
        if ((flags & Http2FrameFlags.EndStream) != 0)
        {
            stream.RequestBody.End();
        }
    }

    private static ReadOnlySpan<byte> Unpad(Http2FrameFlags flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & Http2FrameFlags.Padded) == 0)
        {
            return payload;
        }
        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "padding as long as the frame");
        }
        return payload[1..^payload[0]];
    }

    private void OnHeaders(Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0 || streamId % 2 == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"HEADERS on stream {streamId}, which a client cannot open");
        }
        var fragment = Unpad(flags, payload);
        var selfDependent = false;
        if ((flags & Http2FrameFlags.Priority) != 0)
        {
            if (fragment.Length < 5)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "HEADERS too short for its priority");
            }
            selfDependent = (BinaryPrimitives.ReadInt32BigEndian(fragment) & int.MaxValue) == streamId;
            fragment = fragment[5..];
        }
        var endStream = (flags & Http2FrameFlags.EndStream) != 0;
        if ((flags & Http2FrameFlags.EndHeaders) != 0)
        {
            OnHeaderBlock(streamId, fragment, endStream, selfDependent);
            return;
        }
        if (fragment.Length > MaxHeaderBlock)
        {
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, "a header block too large");
        }
        _blockStream = streamId;
        _blockEndsStream = endStream;
        _blockSelfDependent = selfDependent;
        _blockFrames = 1;
        if (_block.Length < fragment.Length)
        {
            _block = new byte[Math.Max(4096, fragment.Length)];
        }
        fragment.CopyTo(_block);
        _blockLength = fragment.Length;
    }

    private void OnContinuation(Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_blockStream == 0 || streamId != _blockStream)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "CONTINUATION outside a header block");
        }
        // Empty CONTINUATION frames never grow the block, and no other frame is read while it is open (CVE-2024-27316).
        if (_blockLength + payload.Length > MaxHeaderBlock || ++_blockFrames > MaxHeaderBlockFrames)
        {
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, "a header block too large");
        }
        if (_block.Length < _blockLength + payload.Length)
        {
            Array.Resize(ref _block, Math.Max(_block.Length * 2, _blockLength + payload.Length));
        }
        payload.CopyTo(_block.AsSpan(_blockLength));
        _blockLength += payload.Length;
        if ((flags & Http2FrameFlags.EndHeaders) != 0)
        {
            _blockStream = 0;
            OnHeaderBlock(streamId, _block.AsSpan(0, _blockLength), _blockEndsStream, _blockSelfDependent);
        }
    }

    /// <summary>A whole header block: a new request, or the trailers of one whose body is arriving.</summary>
    private void OnHeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream, bool selfDependent)
    {
        if (streamId <= _lastStreamId)
        {
            OnTrailers(streamId, block, endStream);
            return;
        }
        _lastStreamId = streamId;
        Http2Stream? stream = null;
        bool refused;
        lock (Output.Sync)
        {
            refused = _goingAway || !HasRoomForStreamLocked();
            if (!refused && _lean.GatewayStopping)
            {
                // This stream is served and is the last: GOAWAY tells the client to take later requests elsewhere.
                _goingAway = true;
                AppendGoAwayLocked(streamId, Http2ErrorCode.NoError);
            }
            if (!refused)
            {
                // In the table from here, so that no one closes the connection as idle while its block is read.
                stream = _kept.TryPop(out var kept) ? kept : new Http2Stream(this);
                stream.Begin(streamId, _peerInitialWindow, Http2Limits.StreamReceiveWindow);
                _streams[streamId] = stream;
                _lean.MarkBusy();
            }
        }
        if (stream is null)
        {
            Decode(block, _discard);
            // Rapid reset (CVE-2023-44487) fills the table with streams it reset at once and then has every new one
            // refused, each still decoded: a client refused this often in a row is told to stop, as Kestrel does.
            // Not before the client has our SETTINGS: until then it may rightly open more than the streams allowed.
            if (!_goingAway && _settingsAcknowledged && ++_refusedInARow > MaxRefusedInARow)
            {
                throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, "too many streams refused in a row");
            }
            throw new Http2StreamException(streamId, Http2ErrorCode.RefusedStream, "beyond the concurrent streams allowed");
        }
        _refusedInARow = 0;
        _headReader.Begin(stream);
        try
        {
            _decoder.Decode(block, _headReader);
        }
        catch (HpackException e) when (e.HeaderListTooLarge)
        {
            _headReader.Complete();
            Start(stream, endStream, tooLarge: true);
            return;
        }
        catch (HpackException e)
        {
            throw new Http2ConnectionException(Http2ErrorCode.CompressionError, e.Message);
        }
        if (_headReader.TooManyFields && !selfDependent)
        {
            _headReader.Complete();
            Start(stream, endStream, tooLarge: true);
            return;
        }
        if (selfDependent || !_headReader.Complete() || !HasValidLength(stream, endStream))
        {
            Forget(stream);
            Keep(stream);
            throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, _headReader.Error ?? "a malformed request");
        }
        Start(stream, endStream, tooLarge: false);
    }

    /// <summary>
    /// The client may have as many streams open as SETTINGS said, counted as it counts them (closed once both
    /// ends were sent or a reset); streams whose request path still runs after that count as well beyond
    /// twice the limit, so a client resetting streams as fast as it opens them cannot pile up work.
    /// </summary>
    private bool HasRoomForStreamLocked()
    {
        var limit = _lean.MaxStreamsPerConnection;
        if (_streams.Count < limit)
        {
            return true;
        }
        if (_streams.Count >= 2 * limit)
        {
            return false;
        }
        var open = 0;
        foreach (var stream in _streams.Values)
        {
            open += stream.IsClosed ? 0 : 1;
        }
        return open < limit;
    }

    /// <summary>Resets the streams whose client is below Kestrel's minimum data rates (called by the sweeper, once a second, while streams are open).</summary>
    internal void CheckStreams(long now)
    {
        List<(Http2Stream Stream, int Id)>? slow = null;
        lock (Output.Sync)
        {
            foreach (var stream in _streams.Values)
            {
                if (!stream.IsReset && (stream.SendRate.TooSlow(now) || (stream.BodyRateApplies && stream.BodyRate.TooSlow(now))))
                {
                    (slow ??= []).Add((stream, stream.Id));
                }
            }
        }
        foreach (var (stream, id) in slow ?? [])
        {
            Reset(stream, Http2ErrorCode.Cancel, id);
        }
    }

    private static bool HasValidLength(Http2Stream stream, bool endStream)
    {
        var headers = stream.RequestHeaders;
        if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentLength))
        {
            return true; // Most requests: one lookup.
        }
        return headers.ContentLength is { } length && (!endStream || length == 0); // Present but not a length: malformed.
    }

    /// <summary>A stream refused after its admission leaves the table.</summary>
    private void Forget(Http2Stream stream)
    {
        lock (Output.Sync)
        {
            _streams.Remove(stream.Id);
            if (_streams.Count == 0)
            {
                _lean.MarkIdle();
            }
        }
    }

    private void Start(Http2Stream stream, bool endStream, bool tooLarge)
    {
        stream.Ready(endStream);
        if (tooLarge)
        {
            // The fields beyond the limit were not kept: answered here (Kestrel's 431) rather than served half-read.
            stream.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
            stream.ResponseHeaders.ContentLength = 0;
            _ = stream.EndUnservedAsync();
            return;
        }
        stream.Run(_proxy);
    }

    private void OnTrailers(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        Decode(block, _discard); // Request trailers are not passed on: the HTTP/1.1 upstream request is sized or chunked without them.
        Http2Stream? stream;
        lock (Output.Sync)
        {
            if (!_streams.TryGetValue(streamId, out stream) && !WasResetByUsLocked(streamId))
            {
                // Closed, or a new stream whose id is below one already used (RFC 9113 §5.1.1): its request would wait for
                // ever. A reset rather than the connection error Kestrel gives: one of this side's resets long forgotten
                // must not take the client's other streams down with it.
                throw new Http2StreamException(streamId, Http2ErrorCode.StreamClosed, $"HEADERS on stream {streamId}, which is closed");
            }
            if (stream is null || stream.IsReset)
            {
                return; // A stream this side ended or refused: what the client sent before it knew is ignored.
            }
            if (stream.RemoteEnded)
            {
                throw new Http2StreamException(streamId, Http2ErrorCode.StreamClosed, "HEADERS after the stream's end");
            }
            if (!endStream)
            {
                throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, "trailers without END_STREAM");
            }
            stream.RemoteEnded = true;
        }
        if (stream.DeclaredLength is { } declared && declared != stream.ReceivedLength)
        {
            throw new Http2StreamException(streamId, Http2ErrorCode.ProtocolError, "a body that disagrees with the content-length");
        }
        stream.RequestBody.End();
    }

    private void Decode(ReadOnlySpan<byte> block, IHpackFieldSink sink)
    {
        try
        {
            _decoder.Decode(block, sink);
        }
        catch (HpackException e) when (e.HeaderListTooLarge)
        {
        }
        catch (HpackException e)
        {
            throw new Http2ConnectionException(Http2ErrorCode.CompressionError, e.Message);
        }
    }

    /// <summary>Body bytes the request path read out: given back to the client as window once half a window's worth has gathered.</summary>
    internal void BodyConsumed(Http2Stream stream, int bytes)
    {
        lock (Output.Sync)
        {
            CreditLocked(bytes);
            CreditStreamLocked(stream, bytes);
        }
        Output.FlushSoon();
    }

    /// <summary>Stream window given back, while the client may still send on it; under the output lock.</summary>
    private void CreditStreamLocked(Http2Stream stream, int bytes)
    {
        if (stream.RemoteEnded || stream.IsReset || bytes == 0)
        {
            return;
        }
        stream.Unacknowledged += bytes;
        if (stream.Unacknowledged >= Http2Limits.StreamReceiveWindow / 2)
        {
            Output.AppendWindowUpdate(stream.Id, stream.Unacknowledged);
            stream.ReceiveWindow += stream.Unacknowledged;
            stream.Unacknowledged = 0;
        }
    }

    /// <summary>Connection window given back; under the output lock.</summary>
    private void CreditLocked(int bytes)
    {
        _unacknowledged += bytes;
        if (_unacknowledged >= Http2Limits.ConnectionReceiveWindow / 2)
        {
            Output.AppendWindowUpdate(0, _unacknowledged);
            _receiveWindow += _unacknowledged;
            _unacknowledged = 0;
        }
    }

    private void RememberResetLocked(int streamId)
    {
        _resetByUs[_resetByUsNext] = streamId;
        _resetByUsNext = (_resetByUsNext + 1) % _resetByUs.Length;
    }

    private bool WasResetByUsLocked(int streamId) => Array.IndexOf(_resetByUs, streamId) >= 0;

    /// <summary>Resets a stream from this side: the client is told, the request path sees RequestAborted.</summary>
    internal void Reset(Http2Stream stream, Http2ErrorCode code, int? onlyStreamId = null)
    {
        lock (Output.Sync)
        {
            if (stream.IsReset || (onlyStreamId is { } id && stream.Id != id))
            {
                return; // Reset already, or ended and reused for another request since it was picked.
            }
            if (!stream.LocalEnded || !stream.RemoteEnded)
            {
                Output.AppendRstStream(stream.Id, code);
                RememberResetLocked(stream.Id);
            }
            stream.MarkReset();
        }
        stream.Abort(new IOException($"the stream was reset ({code})"));
        Output.FlushSoon();
    }

    /// <summary>A stream error found while reading (RFC 9113 §5.4.2).</summary>
    private void ResetFromReader(int streamId, Http2ErrorCode code)
    {
        Http2Stream? stream;
        lock (Output.Sync)
        {
            if (!_streams.TryGetValue(streamId, out stream))
            {
                Output.AppendRstStream(streamId, code);
                RememberResetLocked(streamId);
                return;
            }
        }
        Reset(stream, code);
    }

    /// <summary>The stream's request path is done and its answer sent: the stream leaves the connection.</summary>
    internal void StreamEnded(Http2Stream stream)
    {
        bool idle;
        lock (Output.Sync)
        {
            if (!stream.RemoteEnded && !stream.IsReset)
            {
                // The answer is whole; the client may stop sending the body (RFC 9113 §8.1).
                Output.AppendRstStream(stream.Id, Http2ErrorCode.NoError);
                RememberResetLocked(stream.Id);
                stream.MarkReset();
            }
            CreditLocked((int)Math.Max(0, stream.ReceivedLength - stream.RequestBody.Position));
            _streams.Remove(stream.Id);
            idle = _streams.Count == 0;
            if (idle)
            {
                _lean.MarkIdle();
            }
        }
        stream.RequestBody.End();
        Keep(stream);
        Output.FlushSoon();
        if (idle && _goingAway)
        {
            Wake();
        }
    }

    private void Keep(Http2Stream stream)
    {
        stream.Writer.Release(); // A kept stream holds no answer buffer: one that grew for a large answer would stay large.
        lock (Output.Sync)
        {
            if (_kept.Count < StreamsKept)
            {
                _kept.Push(stream);
            }
        }
    }

    internal void RequestFailed(Exception e) => _lean.RequestFailed(e);

    /// <summary>Called when the connection is idle and should close (keep-alive timeout, the gateway stopping): GOAWAY, then the end.</summary>
    internal void CloseIdle()
    {
        lock (Output.Sync)
        {
            if (_streams.Count > 0 || _goingAway)
            {
                return;
            }
            _goingAway = true;
            AppendGoAwayLocked(_lastStreamId, Http2ErrorCode.NoError);
        }
        Wake();
    }

    /// <summary>The connection is gone: every stream still open is aborted.</summary>
    private void End()
    {
        List<Http2Stream> open;
        lock (Output.Sync)
        {
            open = [.. _streams.Values];
            foreach (var stream in open)
            {
                stream.MarkReset();
            }
        }
        foreach (var stream in open)
        {
            stream.Abort(new IOException("the client connection ended"));
        }
        Output.Close();
        _wake.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Decodes header blocks that are refused, to keep the decoder's table in step with the client's.</summary>
    private sealed class DiscardingSink : IHpackFieldSink
    {
        public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }
    }
}
