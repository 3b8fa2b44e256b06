namespace Mesh.Gateway.Front.Http2;

/// <summary>Frame types (RFC 9113 §6).</summary>
internal enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>Frame flags (RFC 9113 §6); each frame type uses some of them.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1069", Justification = "The protocol gives END_STREAM and ACK the same bit, on different frame types.")]
internal enum Http2FrameFlags : byte
{
    None = 0,
    EndStream = 0x1,
    Ack = 0x1,
    EndHeaders = 0x4,
    Padded = 0x8,
    Priority = 0x20,
}

/// <summary>Error codes (RFC 9113 §7).</summary>
internal enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    SettingsTimeout = 0x4,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
    CompressionError = 0x9,
    ConnectError = 0xa,
    EnhanceYourCalm = 0xb,
    InadequateSecurity = 0xc,
    Http11Required = 0xd,
}

/// <summary>Settings identifiers (RFC 9113 §6.5.2).</summary>
internal enum Http2SettingId : ushort
{
    HeaderTableSize = 0x1,
    EnablePush = 0x2,
    MaxConcurrentStreams = 0x3,
    InitialWindowSize = 0x4,
    MaxFrameSize = 0x5,
    MaxHeaderListSize = 0x6,
}

/// <summary>The numbers of the protocol, and the limits this front holds its clients to.</summary>
internal static class Http2Limits
{
    public const int FrameHeaderLength = 9;

    /// <summary>The protocol's default and smallest SETTINGS_MAX_FRAME_SIZE, which is also what this front reads.</summary>
    public const int DefaultMaxFrameSize = 16 * 1024;

    public const int LargestMaxFrameSize = (1 << 24) - 1;

    /// <summary>The window every stream and the connection start with until SETTINGS say otherwise (RFC 9113 §6.9.2).</summary>
    public const int DefaultWindow = 65_535;

    public const int LargestWindow = int.MaxValue;

    /// <summary>Kestrel's defaults, so the front behaves as it did when Kestrel served h2c (the stream limit is the gateway's MaxStreamsPerConnection).</summary>
    public const int StreamReceiveWindow = 768 * 1024;

    public const int ConnectionReceiveWindow = 1024 * 1024;

    public const int MaxHeaderListSize = 32 * 1024;

    public const int HeaderTableSize = 4096;

    /// <summary>The client connection preface (RFC 9113 §3.4).</summary>
    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;
}

/// <summary>A connection error (RFC 9113 §5.4.1): the connection ends with GOAWAY carrying the code.</summary>
internal sealed class Http2ConnectionException(Http2ErrorCode code, string message) : Exception(message)
{
    public Http2ErrorCode Code { get; } = code;
}

/// <summary>A stream error (RFC 9113 §5.4.2): the stream is reset, the connection carries on.</summary>
internal sealed class Http2StreamException(int streamId, Http2ErrorCode code, string message) : Exception(message)
{
    public int StreamId { get; } = streamId;

    public Http2ErrorCode Code { get; } = code;
}
