using System.Buffers.Binary;
using System.Text;

namespace Mesh.TestSupport;

/// <summary>gRPC length-prefixed messages and the one protobuf field the echo fills.</summary>
public static class GrpcFrames
{
    /// <summary>One uncompressed length-prefixed message whose protobuf payload is field 1 = <paramref name="text"/>.</summary>
    public static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var message = new List<byte> { 0x0A }; // field 1, wire type 2 (length-delimited)
        for (var length = (uint)payload.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                message.Add((byte)length);
                break;
            }
            message.Add((byte)(length | 0x80));
        }
        message.AddRange(payload);
        var frame = new byte[5 + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Count);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>The string in field 1 of the first message of a gRPC body, or null if there is none.</summary>
    public static string? FirstStringFieldOne(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5 || body[0] != 0)
        {
            return null;
        }
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (body.Length < 5 + length)
        {
            return null;
        }
        var message = body.Slice(5, length);
        var i = 0;
        while (i < message.Length)
        {
            var tag = ReadVarint(message, ref i);
            var field = tag >> 3;
            var wire = tag & 7;
            switch (wire)
            {
                case 0:
                    ReadVarint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    var size = (int)ReadVarint(message, ref i);
                    if (field == 1)
                    {
                        return Encoding.UTF8.GetString(message.Slice(i, size));
                    }
                    i += size;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; i < data.Length && shift < 64; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        return value;
    }
}
