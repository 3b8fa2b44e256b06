using System.Buffers.Binary;
using System.Text;
using Mesh.TestSupport.Fuzz;

namespace Mesh.EndToEnd.Tests.Support.Fuzz;

/// <summary>
/// h2c connections broken at random: the preface, then a run of frames (requests with and without bodies,
/// split header blocks, padding, priorities, window updates, pings, resets; requests whose fields are
/// broken or forbidden), then one to four mutations of a frame (type, flags, stream, a length that lies,
/// payload bytes, HPACK that cannot decode) or of the order, and now and then a byte of the whole flipped.
/// </summary>
public static class Http2Inputs
{
    private const byte Padded = 0x8, PriorityFlag = 0x20;

    private sealed record Frame(byte Type, byte Flags, int Stream, byte[] Payload)
    {
        /// <summary>The length the frame header claims, when it lies about its payload.</summary>
        public int? ClaimedLength { get; init; }
    }

    private static readonly byte[][] BadBlocks =
    [
        [0xff, 0xff, 0xff, 0xff, 0x0f], // An index past any table, its integer overflowing.
        [0x3f, 0xe1, 0xff, 0xff, 0x1f], // A table size update far beyond SETTINGS.
        [0x82, 0x20, 0x84], // A size update after a field.
        [0x00, 0x81, 0xff, 0x01, 0x61], // A Huffman name that is all padding.
        [0x00, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08], // A string length larger than the frame.
        [0xbe], // An index into an empty dynamic table.
        [0x40, 0x00, 0x00], // An empty name.
        [0x00, 0x01, 0x41, 0x01, 0x0a], // A name in capitals, a value with a line break.
    ];

    private static readonly (string, string)[] ForbiddenFields =
    [
        ("connection", "keep-alive"), ("transfer-encoding", "chunked"), ("te", "gzip"), ("te", "trailers"), ("upgrade", "h2c"),
        ("keep-alive", "1"), ("proxy-connection", "x"), ("host", "other.example"), ("content-length", "5"), ("content-length", "x"),
        (":path", "/again"), (":status", "200"), (":protocol", "websocket"), ("X-Upper", "1"), ("cookie", ""),
    ];

    private static readonly string[] FieldTokens = ["\r\n", "\n", "\0", " ", ":", "A", "\u00ff", "%00", "/../", "*", "?", "#", "@"];

    /// <summary>The bytes of one broken connection, chosen by <paramref name="random"/>.</summary>
    public static byte[] Next(Random random)
    {
        var frames = Frames(random);
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
        {
            Mutate(frames, random);
        }
        using var bytes = new MemoryStream();
        bytes.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        foreach (var frame in frames)
        {
            Write(bytes, frame);
        }
        var all = bytes.ToArray();
        if (random.Next(8) == 0)
        {
            all[random.Next(all.Length)] ^= (byte)random.Next(1, 256);
        }
        return all;
    }

    private static List<Frame> Frames(Random random)
    {
        var frames = new List<Frame> { new(RawHttp2.Settings, 0, 0, Setting(random)), new(RawHttp2.Settings, RawHttp2.Ack, 0, []) };
        var stream = 1;
        var count = random.Next(1, 7);
        for (var i = 0; i < count; i++, stream += 2)
        {
            switch (random.Next(11))
            {
                case 9:
                case 10:
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndStream | RawHttp2.EndHeaders, stream, RawHttp2.Block(BrokenFields(random))));
                    break;
                case 0:
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndStream | RawHttp2.EndHeaders, stream, RawHttp2.Block(RawHttp2.Get("/"))));
                    break;
                case 1:
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndHeaders, stream,
                        RawHttp2.Block([.. RawHttp2.Get("/echo", method: "POST"), ("content-length", "5")])));
                    frames.Add(new(RawHttp2.Data, RawHttp2.EndStream, stream, "hello"u8.ToArray()));
                    break;
                case 2:
                    var block = RawHttp2.Block([.. RawHttp2.Get("/split?x=1"), ("x-a", "1"), ("cookie", "a=b"), ("cookie", "c=d")]);
                    var cut = random.Next(1, block.Length);
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndStream, stream, block[..cut]));
                    frames.Add(new(RawHttp2.Continuation, RawHttp2.EndHeaders, stream, block[cut..]));
                    break;
                case 3:
                    var padded = RawHttp2.Block(RawHttp2.Get("/padded"));
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndStream | RawHttp2.EndHeaders | Padded | PriorityFlag, stream,
                        [3, 0, 0, 0, 0, 16, .. padded, 0, 0, 0]));
                    break;
                case 4:
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndHeaders, stream, RawHttp2.Block(RawHttp2.Get("/streamed", method: "PUT"))));
                    frames.Add(new(RawHttp2.Data, Padded, stream, [2, .. "abc"u8, 0, 0]));
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndStream | RawHttp2.EndHeaders, stream, RawHttp2.Block(("x-trailer", "t"))));
                    break;
                case 5:
                    frames.Add(new(RawHttp2.WindowUpdate, 0, random.Next(2) == 0 ? 0 : stream - 2, Int(random.Next(1, 1 << 20))));
                    break;
                case 6:
                    frames.Add(new(RawHttp2.Ping, 0, 0, new byte[8]));
                    break;
                case 7:
                    frames.Add(new(RawHttp2.Priority, 0, stream, [0, 0, 0, 0, 200]));
                    break;
                default:
                    frames.Add(new(RawHttp2.Headers, RawHttp2.EndHeaders, stream, RawHttp2.Block(RawHttp2.Get("/reset"))));
                    frames.Add(new(RawHttp2.RstStream, 0, stream, Int(8)));
                    break;
            }
        }
        if (random.Next(6) == 0)
        {
            frames.Add(new(RawHttp2.GoAway, 0, 0, [.. Int(stream), .. Int(0)]));
        }
        return frames;
    }

    /// <summary>A request's fields with one name or value broken (its text mutated, or a field HTTP/2 forbids or limits added).</summary>
    private static (string Name, string Value)[] BrokenFields(Random random)
    {
        (string Name, string Value)[] fields =
            [.. RawHttp2.Get("/fields?q=1"), ("user-agent", "fuzz"), ("x-a", "1"), ("content-type", "text/plain")];
        var at = random.Next(fields.Length + 1);
        if (at == fields.Length)
        {
            fields = [.. fields, ForbiddenFields[random.Next(ForbiddenFields.Length)]];
        }
        else if (random.Next(2) == 0)
        {
            fields[at].Name = Encoding.Latin1.GetString(ByteMutations.Apply(fields[at].Name, FieldTokens, random));
        }
        else
        {
            fields[at].Value = Encoding.Latin1.GetString(ByteMutations.Apply(fields[at].Value, FieldTokens, random));
        }
        return fields;
    }

    private static byte[] Setting(Random random) => random.Next(3) switch
    {
        0 => [],
        1 => [0, 4, 0, 0, 0x10, 0], // INITIAL_WINDOW_SIZE 4096.
        _ => [0, 5, 0, 0, 0x40, 0, 0, 1, 0, 0, 0x10, 0], // MAX_FRAME_SIZE 16384, HEADER_TABLE_SIZE 4096.
    };

    private static void Mutate(List<Frame> frames, Random random)
    {
        var at = random.Next(frames.Count);
        var frame = frames[at];
        switch (random.Next(10))
        {
            case 0:
                frames[at] = frame with { Type = (byte)random.Next(0, 12) };
                break;
            case 1:
                frames[at] = frame with { Flags = (byte)random.Next(256) };
                break;
            case 2:
                frames[at] = frame with { Stream = random.Next(4) switch { 0 => 0, 1 => 2, 2 => int.MaxValue, _ => random.Next(1, 64) } };
                break;
            case 3:
                frames[at] = frame with { ClaimedLength = Math.Max(0, frame.Payload.Length + random.Next(-4, 5)) };
                break;
            case 4 when frame.Payload.Length > 0:
                var payload = (byte[])frame.Payload.Clone();
                payload[random.Next(payload.Length)] = (byte)random.Next(256);
                frames[at] = frame with { Payload = payload };
                break;
            case 5:
                frames[at] = frame with { Payload = frame.Payload[..random.Next(frame.Payload.Length + 1)] };
                break;
            case 6:
                frames[at] = frame with { Type = RawHttp2.Headers, Flags = RawHttp2.EndHeaders | RawHttp2.EndStream, Payload = BadBlocks[random.Next(BadBlocks.Length)] };
                break;
            case 7:
                frames.Insert(random.Next(frames.Count + 1), frame);
                break;
            case 8 when frames.Count > 1:
                frames.RemoveAt(at);
                break;
            default:
                var other = random.Next(frames.Count);
                (frames[at], frames[other]) = (frames[other], frames[at]);
                break;
        }
    }

    private static void Write(Stream to, Frame frame)
    {
        Span<byte> head = stackalloc byte[9];
        var length = frame.ClaimedLength ?? frame.Payload.Length;
        head[0] = (byte)(length >> 16);
        head[1] = (byte)(length >> 8);
        head[2] = (byte)length;
        head[3] = frame.Type;
        head[4] = frame.Flags;
        BinaryPrimitives.WriteInt32BigEndian(head[5..], frame.Stream);
        to.Write(head);
        to.Write(frame.Payload);
    }

    private static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
