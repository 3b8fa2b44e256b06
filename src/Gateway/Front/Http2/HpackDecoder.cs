namespace Mesh.Gateway.Front.Http2;

/// <summary>Receives the fields of a header block as <see cref="HpackDecoder"/> decodes them.</summary>
internal interface IHpackFieldSink
{
    /// <summary>
    /// Called once per decoded field, in order. Spans are only valid during the call. Throwing abandons the rest of the
    /// block, which leaves the dynamic table out of step with the client's: only do it to end the connection.
    /// </summary>
    /// <param name="staticIndex">The 1-based static table index when the field's name came from the static table (an
    /// indexed field, or a literal with a static name), else 0: lets the caller skip comparing ":method" and the like.</param>
    void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}

/// <summary>
/// One connection's HPACK decoder (RFC 7541). It checks the encoding only: what the names and values say is the
/// HTTP/2 layer's to judge. Fields found through the tables are passed on without allocating; Huffman-coded strings
/// are decoded into a scratch buffer the decoder keeps.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly int _maxTableSize;
    private readonly int _maxHeaderListSize;
    private readonly HpackDynamicTable _table;

    // A field whose Huffman-decoded name and value need more than this is too large both for the header list and for
    // the table, so its bytes are measured but not kept: the scratch buffer never grows past it.
    private readonly int _scratchLimit;
    private byte[] _scratch = [];

    /// <param name="maxTableSize">The SETTINGS_HEADER_TABLE_SIZE this server advertised: a dynamic table size update above it
    /// is a decoding error.</param>
    /// <param name="maxHeaderListSize">The SETTINGS_MAX_HEADER_LIST_SIZE this server advertised (name + value + 32 per field,
    /// RFC 9113 §6.5.2).</param>
    public HpackDecoder(int maxTableSize = 4096, int maxHeaderListSize = 32 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTableSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderListSize);
        _maxTableSize = maxTableSize;
        _maxHeaderListSize = maxHeaderListSize;
        _table = new HpackDynamicTable(maxTableSize);
        _scratchLimit = Math.Max(maxTableSize, maxHeaderListSize);
    }

    /// <summary>The dynamic table, as the blocks decoded so far have left it.</summary>
    internal HpackDynamicTable DynamicTable => _table;

    /// <summary>
    /// Decodes one complete header block (a HEADERS payload and its CONTINUATION payloads, joined, without padding or
    /// priority) and passes each field to <paramref name="sink"/>.
    /// </summary>
    /// <exception cref="HpackException">The block is malformed (a COMPRESSION_ERROR); or, with
    /// <see cref="HpackException.HeaderListTooLarge"/>, the whole block decoded but its fields exceed the header list size.
    /// The sink was then not called from the field that crossed the limit on, and the dynamic table is still in step.</exception>
    public void Decode(ReadOnlySpan<byte> block, IHpackFieldSink sink)
    {
        var position = 0;
        var sawField = false;
        long listSize = 0;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                // Indexed field (§6.1).
                var index = ReadInteger(block, ref position, 7);
                sawField = true;
                if (index <= HpackStaticTable.Count)
                {
                    if (index == 0)
                    {
                        throw new HpackException("An indexed field has index 0.");
                    }
                    Deliver(sink, index, HpackStaticTable.Name(index), HpackStaticTable.Value(index), ref listSize);
                }
                else
                {
                    var dynamicIndex = DynamicIndex(index);
                    Deliver(sink, 0, _table.Name(dynamicIndex), _table.Value(dynamicIndex), ref listSize);
                }
            }
            else if ((first & 0xE0) == 0x20)
            {
                // Dynamic table size update (§6.3): only before the block's first field (§4.2).
                if (sawField)
                {
                    throw new HpackException("A dynamic table size update follows a field of the block.");
                }
                var size = ReadInteger(block, ref position, 5);
                if (size > _maxTableSize)
                {
                    throw new HpackException($"A dynamic table size update to {size} exceeds the advertised {_maxTableSize}.");
                }
                _table.SetMaxSize(size);
            }
            else
            {
                // Literal field (§6.2): 01 with incremental indexing, a 6-bit name index; 0001 never indexed and 0000 without
                // indexing, a 4-bit one. An index of 0 means a literal name follows.
                var indexing = (first & 0x40) != 0;
                var nameIndex = ReadInteger(block, ref position, indexing ? 6 : 4);
                sawField = true;
                var name = default(Text);
                if (nameIndex == 0)
                {
                    name = ReadString(block, ref position, 0);
                }
                else if (nameIndex > HpackStaticTable.Count)
                {
                    DynamicIndex(nameIndex);
                }
                var value = ReadString(block, ref position, name.InScratch ? name.Start + name.Length : 0);

                // The name's span is taken after the value is read: reading it may have moved the scratch buffer.
                var staticIndex = nameIndex <= HpackStaticTable.Count ? nameIndex : 0;
                var nameBytes = nameIndex == 0 ? Resolve(block, name)
                    : nameIndex <= HpackStaticTable.Count ? HpackStaticTable.Name(nameIndex)
                    : _table.Name(nameIndex - HpackStaticTable.Count - 1);
                if (name.Discarded || value.Discarded)
                {
                    // Larger than the list and the table allow: counted, never delivered; an entry that size empties the table.
                    listSize += (long)(nameIndex == 0 ? name.Length : nameBytes.Length) + value.Length + HpackDynamicTable.EntryOverhead;
                    if (indexing)
                    {
                        _table.EvictAll();
                    }
                    continue;
                }
                var valueBytes = Resolve(block, value);
                Deliver(sink, staticIndex, nameBytes, valueBytes, ref listSize);
                if (indexing)
                {
                    _table.Add(nameBytes, valueBytes);
                }
            }
        }
        if (listSize > _maxHeaderListSize)
        {
            throw new HpackException($"The header list's size, {listSize}, exceeds the advertised {_maxHeaderListSize}.", headerListTooLarge: true);
        }
    }

    private void Deliver(IHpackFieldSink sink, int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ref long listSize)
    {
        listSize += (long)name.Length + value.Length + HpackDynamicTable.EntryOverhead;
        if (listSize <= _maxHeaderListSize)
        {
            sink.OnField(staticIndex, name, value); // Past the limit the block is still decoded, to keep the table in step.
        }
    }

    /// <summary>The dynamic table's 0-based index for an HPACK index above the static table's.</summary>
    private int DynamicIndex(int index)
    {
        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= _table.Count)
        {
            throw new HpackException($"Index {index} is beyond the static table and the dynamic table's {_table.Count} entries.");
        }
        return dynamicIndex;
    }

    /// <summary>An integer with an N-bit prefix (§5.1), which must fit in an int.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        long value = block[position++] & max;
        if (value < max)
        {
            return (int)value;
        }
        for (var shift = 0; ; shift += 7)
        {
            // Five continuation bytes carry 35 bits, already more than an int: a sixth is too long even if it adds zeros.
            if (shift > 28)
            {
                throw new HpackException("An integer is longer than an int.");
            }
            if (position >= block.Length)
            {
                throw new HpackException("The block ends inside an integer.");
            }
            var octet = block[position++];
            value += (long)(octet & 0x7F) << shift;
            if (value > int.MaxValue)
            {
                throw new HpackException("An integer exceeds an int.");
            }
            if ((octet & 0x80) == 0)
            {
                return (int)value;
            }
        }
    }

    /// <summary>A string literal (§5.2): raw bytes stay where they are in the block, Huffman-coded ones are decoded into the
    /// scratch buffer at <paramref name="scratchStart"/>.</summary>
    private Text ReadString(ReadOnlySpan<byte> block, ref int position, int scratchStart)
    {
        if (position >= block.Length)
        {
            throw new HpackException("The block ends before a string.");
        }
        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw new HpackException($"A string of {length} bytes runs past the end of the block.");
        }
        var start = position;
        position += length;
        if (!huffman)
        {
            return new Text(start, length, InScratch: false, Discarded: false);
        }

        scratchStart = Math.Min(scratchStart, _scratchLimit);
        var room = Math.Min(HpackHuffman.MaxDecodedLength(length), _scratchLimit - scratchStart);
        var destination = Span<byte>.Empty;
        if (room > 0)
        {
            if (_scratch.Length < scratchStart + room)
            {
                var grown = new byte[Math.Min(Math.Max(scratchStart + room, Math.Max(256, 2 * _scratch.Length)), _scratchLimit)];
                _scratch.AsSpan(0, scratchStart).CopyTo(grown); // The name decoded before this value.
                _scratch = grown;
            }
            destination = _scratch.AsSpan(scratchStart, room);
        }
        var decoded = HpackHuffman.Decode(block.Slice(start, length), destination);
        return new Text(scratchStart, decoded, InScratch: true, Discarded: decoded > room);
    }

    private ReadOnlySpan<byte> Resolve(ReadOnlySpan<byte> block, Text text) =>
        text.Length == 0 || text.Discarded ? [] : text.InScratch ? _scratch.AsSpan(text.Start, text.Length) : block.Slice(text.Start, text.Length);

    /// <summary>Where a string literal's bytes are: in the block or in the scratch buffer. Discarded: too large to keep.</summary>
    private readonly record struct Text(int Start, int Length, bool InScratch, bool Discarded);
}
