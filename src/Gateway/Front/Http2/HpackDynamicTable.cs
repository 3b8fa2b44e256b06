namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// The decoder's dynamic table (RFC 7541 §2.3.2, §4): newest entry first, evicted oldest first to stay within
/// <see cref="MaxSize"/>. Each entry is one array holding its name then its value. Arrays are never reused, so a span
/// taken from an entry stays readable after that entry is evicted.
/// </summary>
internal sealed class HpackDynamicTable
{
    /// <summary>What RFC 7541 §4.1 counts on top of the name and value for each entry.</summary>
    public const int EntryOverhead = 32;

    private Entry[] _ring = new Entry[8];
    private int _oldest;

    public HpackDynamicTable(int maxSize) => MaxSize = maxSize;

    /// <summary>The entries in the table.</summary>
    public int Count { get; private set; }

    /// <summary>The sum of the entries' sizes (name + value + 32 each).</summary>
    public int Size { get; private set; }

    /// <summary>The size the encoder last set (a dynamic table size update), or the initial one.</summary>
    public int MaxSize { get; private set; }

    /// <param name="index">0 for the newest entry (HPACK index 62) to <see cref="Count"/> - 1.</param>
    public ReadOnlySpan<byte> Name(int index)
    {
        var entry = At(index);
        return entry.Bytes.AsSpan(0, entry.NameLength);
    }

    /// <param name="index">0 for the newest entry (HPACK index 62) to <see cref="Count"/> - 1.</param>
    public ReadOnlySpan<byte> Value(int index)
    {
        var entry = At(index);
        return entry.Bytes.AsSpan(entry.NameLength);
    }

    /// <summary>A dynamic table size update (RFC 7541 §4.3): evicts until the table fits.</summary>
    public void SetMaxSize(int maxSize)
    {
        MaxSize = maxSize;
        EvictUntil(maxSize);
    }

    /// <summary>
    /// Adds an entry, evicting as needed (RFC 7541 §4.4). The name may be a span of an entry this evicts: it is copied first.
    /// </summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = (long)name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            EvictAll(); // Not an error: an entry larger than the table empties it.
            return;
        }
        var bytes = new byte[name.Length + value.Length];
        name.CopyTo(bytes);
        value.CopyTo(bytes.AsSpan(name.Length));
        EvictUntil(MaxSize - (int)size);
        if (Count == _ring.Length)
        {
            Grow();
        }
        _ring[(_oldest + Count) % _ring.Length] = new Entry(bytes, name.Length);
        Count++;
        Size += (int)size;
    }

    /// <summary>Empties the table: what adding an entry larger than <see cref="MaxSize"/> does.</summary>
    public void EvictAll() => EvictUntil(0);

    private Entry At(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        return _ring[(_oldest + Count - 1 - index) % _ring.Length];
    }

    private void EvictUntil(int size)
    {
        while (Size > size)
        {
            ref var oldest = ref _ring[_oldest];
            Size -= oldest.Bytes.Length + EntryOverhead;
            oldest = default;
            _oldest = (_oldest + 1) % _ring.Length;
            Count--;
        }
    }

    // Entries are at least 32 bytes, so a table of MaxSize holds at most MaxSize / 32 of them: growth stops there.
    private void Grow()
    {
        var grown = new Entry[_ring.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            grown[i] = _ring[(_oldest + i) % _ring.Length];
        }
        _ring = grown;
        _oldest = 0;
    }

    private readonly record struct Entry(byte[] Bytes, int NameLength);
}
