using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Gateway.Front.Http2;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// An h2c client that sends frames as given, for what no client library sends (bad frames, tiny windows,
/// resets), and reads the server's frames one by one; header blocks it sends are plain literals.
/// </summary>
public sealed class RawHttp2 : IAsyncDisposable
{
    public const byte Data = 0x0, Headers = 0x1, Priority = 0x2, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(20));
    private readonly HpackDecoder _decoder = new();
    private readonly Dictionary<int, Answer> _answers = [];
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttp2(Socket socket) => _socket = socket;

    public sealed record Frame(byte Type, byte Flags, int Stream, byte[] Payload)
    {
        public uint ErrorCode => Type == GoAway ? BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)) : BinaryPrimitives.ReadUInt32BigEndian(Payload);
    }

    /// <summary>Connects, sends the preface and SETTINGS with <paramref name="settings"/>, and acknowledges the server's.</summary>
    public static Task<RawHttp2> ConnectAsync(Uri server, params (ushort Id, uint Value)[] settings) => ConnectAsync(server, 0, settings);

    /// <param name="splitPrefaceAt">When not 0, the preface goes in two writes, this many bytes first, 100 ms apart.</param>
    public static async Task<RawHttp2> ConnectAsync(Uri server, int splitPrefaceAt, params (ushort Id, uint Value)[] settings)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        var client = new RawHttp2(socket);
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), settings[i].Value);
        }
        var preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
        if (splitPrefaceAt > 0)
        {
            await socket.SendAsync(preface.AsMemory(0, splitPrefaceAt), SocketFlags.None);
            await Task.Delay(100);
        }
        await socket.SendAsync(preface.AsMemory(splitPrefaceAt), SocketFlags.None);
        await client.SendAsync(Settings, 0, 0, payload);
        return client;
    }

    public async Task SendAsync(byte type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        await _socket.SendAsync(frame, SocketFlags.None, _deadline.Token);
    }

    /// <summary>A request's header block (literal fields, never indexed) in one HEADERS frame.</summary>
    public Task SendHeadersAsync(int stream, bool endStream, params (string Name, string Value)[] fields) =>
        SendAsync(Headers, (byte)(EndHeaders | (endStream ? EndStream : 0)), stream, Block(fields));

    public static (string, string)[] Get(string path, string authority = "smiley.faces", string method = "GET") =>
        [(":method", method), (":scheme", "http"), (":path", path), (":authority", authority)];

    public static byte[] Block(params (string Name, string Value)[] fields)
    {
        var block = new List<byte>();
        foreach (var (name, value) in fields)
        {
            block.Add(0x00);
            AddString(block, name);
            AddString(block, value);
        }
        return [.. block];
    }

    private static void AddString(List<byte> block, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        // Length as an HPACK integer with a 7-bit prefix (RFC 7541 §5.1), no Huffman.
        if (bytes.Length < 127)
        {
            block.Add((byte)bytes.Length);
        }
        else
        {
            block.Add(127);
            var rest = bytes.Length - 127;
            while (rest >= 128)
            {
                block.Add((byte)((rest & 0x7f) | 0x80));
                rest >>= 7;
            }
            block.Add((byte)rest);
        }
        block.AddRange(bytes);
    }

    /// <summary>The server's next frame, or null when it closed the connection.</summary>
    public async Task<Frame?> ReadFrameAsync()
    {
        while (true)
        {
            if (_end - _start >= 9)
            {
                var length = (_buffer[_start] << 16) | (_buffer[_start + 1] << 8) | _buffer[_start + 2];
                if (_end - _start >= 9 + length)
                {
                    var frame = new Frame(_buffer[_start + 3], _buffer[_start + 4], BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 5)) & int.MaxValue,
                        _buffer.AsSpan(_start + 9, length).ToArray());
                    _start += 9 + length;
                    return frame;
                }
            }
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_end, _start) = (_end - _start, 0);
            }
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, _deadline.Token);
            }
            catch (SocketException)
            {
                return null;
            }
            if (read == 0)
            {
                return null;
            }
            _end += read;
        }
    }

    /// <summary>Reads frames until one matches (SETTINGS and PING from the server on the way are acknowledged); null if the connection closed first.</summary>
    public async Task<Frame?> ReadUntilAsync(Func<Frame, bool> wanted)
    {
        while (await ReadFrameAsync() is { } frame)
        {
            if (wanted(frame))
            {
                return frame;
            }
            if (frame.Type == Settings && (frame.Flags & Ack) == 0)
            {
                await SendAsync(Settings, Ack, 0, []);
            }
        }
        return null;
    }

    /// <summary>
    /// A stream's answer: its fields (":status" among them), the body, and the trailers, read up to END_STREAM
    /// or a reset. Frames of other streams read meanwhile are kept for their own turn.
    /// </summary>
    public async Task<Answer> ReadAnswerAsync(int stream)
    {
        var answer = AnswerOf(stream);
        while (!answer.Complete && await ReadUntilAsync(f => f.Stream != 0 || f.Type == GoAway) is { } frame)
        {
            var to = frame.Type == GoAway ? answer : AnswerOf(frame.Stream);
            switch (frame.Type)
            {
                case Headers:
                    var fields = new Fields();
                    _decoder.Decode(frame.Payload, fields);
                    (to.Fields.Count == 0 ? to.Fields : to.Trailers).AddRange(fields.List);
                    break;
                case Data:
                    to.Body.Write(frame.Payload);
                    to.DataFrames.Add(frame.Payload.Length);
                    break;
                case RstStream:
                case GoAway:
                    to.Ended = frame;
                    to.Complete = true;
                    break;
                default:
                    break;
            }
            if ((frame.Flags & EndStream) != 0 && frame.Type is Headers or Data)
            {
                to.Complete = true;
            }
        }
        return answer;
    }

    private Answer AnswerOf(int stream)
    {
        if (!_answers.TryGetValue(stream, out var answer))
        {
            _answers[stream] = answer = new Answer();
        }
        return answer;
    }

    public sealed class Answer
    {
        public List<(string Name, string Value)> Fields { get; } = [];
        public List<(string Name, string Value)> Trailers { get; } = [];
        public MemoryStream Body { get; } = new();
        public List<int> DataFrames { get; } = [];

        /// <summary>END_STREAM, RST_STREAM or GOAWAY came.</summary>
        public bool Complete { get; set; }

        /// <summary>The RST_STREAM or GOAWAY that ended the stream instead of an answer.</summary>
        public Frame? Ended { get; set; }

        public string Status => Fields.FirstOrDefault(f => f.Name == ":status").Value ?? "";
        public string Text => Encoding.UTF8.GetString(Body.ToArray());
        public string? Field(string name) => Fields.FirstOrDefault(f => f.Name == name).Value;
    }

    private sealed class Fields : IHpackFieldSink
    {
        public List<(string, string)> List { get; } = [];

        public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            List.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _deadline.Dispose();
        await Task.CompletedTask;
    }
}
