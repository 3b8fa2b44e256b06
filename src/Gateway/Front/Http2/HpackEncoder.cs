namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// Writes response fields in HPACK (RFC 7541). It never adds to the client's dynamic table and never Huffman-codes: each
/// field is an indexed static entry or a literal without indexing, so the encoder keeps no state and needs no dynamic
/// table size updates.
/// </summary>
internal static class HpackEncoder
{
    private const int StatusNameIndex = 8;

    /// <summary>
    /// ":status": the indexed static entry when there is one (200, 204, 206, 304, 400, 404, 500), else a literal without
    /// indexing under the static name. False (nothing written) when <paramref name="destination"/> is too small.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is not three digits.</exception>
    public static bool TryWriteStatus(int statusCode, Span<byte> destination, out int written)
    {
        written = 0;
        var index = statusCode switch
        {
            200 => 8,
            204 => 9,
            206 => 10,
            304 => 11,
            400 => 12,
            404 => 13,
            500 => 14,
            _ => 0,
        };
        if (index != 0)
        {
            if (destination.IsEmpty)
            {
                return false;
            }
            destination[0] = (byte)(0x80 | index); // Indexed field (§6.1).
            written = 1;
            return true;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 999);
        if (destination.Length < 5)
        {
            return false;
        }
        destination[0] = StatusNameIndex; // Literal without indexing (§6.2.2), 0000 and the name's index on four bits.
        destination[1] = 3; // A raw string (H = 0) of three bytes.
        destination[2] = (byte)('0' + statusCode / 100);
        destination[3] = (byte)('0' + statusCode / 10 % 10);
        destination[4] = (byte)('0' + statusCode % 10);
        written = 5;
        return true;
    }

    /// <summary>
    /// One field as a literal without indexing (§6.2.2): under its static table name when there is one (any case), else
    /// with the name written out in lowercase, as HTTP/2 requires. Strings are raw (H = 0). False (nothing written) when
    /// <paramref name="destination"/> is too small, so the caller can grow it and try again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name or value holds a character the HTTP/1.1 front refuses too.</exception>
    public static bool TryWriteField(string name, string value, Span<byte> destination, out int written)
    {
        written = 0;
        var nameIndex = HpackStaticTable.IndexOfName(name);
        var needed = (nameIndex != 0 ? IntegerLength(nameIndex, 4) : 1 + IntegerLength(name.Length, 7) + name.Length)
            + IntegerLength(value.Length, 7) + value.Length;
        if (destination.Length < needed)
        {
            return false;
        }

        int position;
        if (nameIndex != 0)
        {
            position = WriteInteger(destination, nameIndex, 4);
        }
        else
        {
            destination[0] = 0; // Literal without indexing, new name.
            position = 1 + WriteInteger(destination[1..], name.Length, 7);
            ResponseFieldChars.CopyName(name, destination[position..], lowercase: true);
            position += name.Length;
        }
        position += WriteInteger(destination[position..], value.Length, 7);
        ResponseFieldChars.CopyValue(value, destination[position..]);
        position += value.Length;
        written = position;
        return true;
    }

    /// <summary>The bytes an integer takes with an N-bit prefix (§5.1).</summary>
    private static int IntegerLength(int value, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            return 1;
        }
        var length = 2;
        for (value -= max; value >= 0x80; value >>= 7)
        {
            length++;
        }
        return length;
    }

    /// <summary>Writes an integer with an N-bit prefix (§5.1) into the low bits of the first byte, whose high bits are 0 (the
    /// representations this encoder uses, with H = 0 for string lengths). Returns the bytes written.</summary>
    private static int WriteInteger(Span<byte> destination, int value, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            destination[0] = (byte)value;
            return 1;
        }
        destination[0] = (byte)max;
        var position = 1;
        for (value -= max; value >= 0x80; value >>= 7)
        {
            destination[position++] = (byte)(0x80 | (value & 0x7F));
        }
        destination[position++] = (byte)value;
        return position;
    }
}
