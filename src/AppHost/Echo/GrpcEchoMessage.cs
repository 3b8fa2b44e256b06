using System.Buffers.Binary;

namespace Mesh.AppHost.Echo;

/// <summary>
/// One gRPC length-prefixed message whose protobuf payload has a single field 1 (a string) holding the
/// echo JSON: frame = compressed flag 0, big-endian length, then tag 0x0A, varint length, UTF-8 bytes.
/// </summary>
internal static class GrpcEchoMessage
{
    private const byte StringFieldOne = (1 << 3) | 2; // field number 1, wire type 2 (length-delimited)

    public static byte[] Frame(ReadOnlySpan<byte> json)
    {
        var varintLength = VarintLength((uint)json.Length);
        var messageLength = 1 + varintLength + json.Length;
        var frame = new byte[5 + messageLength];
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)messageLength);
        frame[5] = StringFieldOne;
        WriteVarint(frame.AsSpan(6), (uint)json.Length);
        json.CopyTo(frame.AsSpan(6 + varintLength));
        return frame;
    }

    private static int VarintLength(uint value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    private static void WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i] = (byte)value;
    }
}
