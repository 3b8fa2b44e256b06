using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.Gateway.Tables;

/// <summary>
/// An immutable string-keyed table from which a changed copy is cheap to derive: a frozen index of keys to
/// slots, a copy-on-write array of slot values (null = removed), and a small dictionary of keys added since
/// the index was last frozen.
/// </summary>
/// <remarks>
/// Why this shape: lookups run per request, so a key already in the index costs one FrozenDictionary lookup
/// plus an array read, as a plain FrozenDictionary would; only keys not in the index probe the added keys.
/// A change to a known key (the common case: a Service's endpoints or routes) copies the slot array, a memcpy
/// of one reference per entry, instead of refreezing the whole table; ImmutableDictionary would avoid even that
/// copy but its lookups walk a tree, several times slower. The index is refrozen once added and removed keys
/// exceed a fraction of it, which amortizes that cost over many batches.
/// </remarks>
public sealed class LayeredDictionary<TValue> : IReadOnlyDictionary<string, TValue>
    where TValue : class
{
    // Refreeze when keys added or removed since the last freeze exceed 1/StaleFraction of it (or MinStale).
    private const int StaleFraction = 16;
    private const int MinStale = 64;

    public static readonly LayeredDictionary<TValue> Empty = Frozen([]);

    private readonly FrozenDictionary<string, int> _slots;
    private readonly TValue?[] _values;
    private readonly Dictionary<string, TValue> _added;
    private readonly int _removed;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _slotsBySpan;
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> _addedBySpan;

    private LayeredDictionary(FrozenDictionary<string, int> slots, TValue?[] values, Dictionary<string, TValue> added, int removed, int count)
    {
        _slots = slots;
        _values = values;
        _added = added;
        _removed = removed;
        Count = count;
        _slotsBySpan = slots.GetAlternateLookup<ReadOnlySpan<char>>();
        _addedBySpan = added.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static LayeredDictionary<TValue> Frozen(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var list = entries.ToList();
        var slots = list.Select((entry, slot) => KeyValuePair.Create(entry.Key, slot)).ToFrozenDictionary(StringComparer.Ordinal);
        return new LayeredDictionary<TValue>(slots, [.. list.Select(e => e.Value)], new Dictionary<string, TValue>(StringComparer.Ordinal), 0, list.Count);
    }

    public int Count { get; }

    /// <summary>Keys added or removed since the index was last frozen.</summary>
    public int StaleCount => _added.Count + _removed;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => TryGetValue(key.AsSpan(), out value);

    /// <summary>A lookup by a key spelled in a span, so that a request's key needs no string of its own.</summary>
    public bool TryGetValue(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_slotsBySpan.TryGetValue(key, out var slot))
        {
            value = _values[slot];
            return value is not null;
        }
        if (_added.Count != 0)
        {
            return _addedBySpan.TryGetValue(key, out value);
        }
        value = null;
        return false;
    }

    public TValue? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>This table with the given entries set (a null value removes the key); this one when there are none.</summary>
    public LayeredDictionary<TValue> With(IReadOnlyCollection<KeyValuePair<string, TValue?>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return this;
        }
        TValue?[]? values = null;
        Dictionary<string, TValue>? added = null;
        var removed = _removed;
        var count = Count;
        foreach (var (key, value) in changes)
        {
            if (_slots.TryGetValue(key, out var slot))
            {
                values ??= (TValue?[])_values.Clone();
                var delta = (value is null ? 0 : 1) - (values[slot] is null ? 0 : 1);
                count += delta;
                removed -= delta;
                values[slot] = value;
            }
            else
            {
                added ??= new Dictionary<string, TValue>(_added, StringComparer.Ordinal);
                if (value is null)
                {
                    count -= added.Remove(key) ? 1 : 0;
                }
                else
                {
                    count += added.TryAdd(key, value) ? 1 : 0;
                    added[key] = value;
                }
            }
        }
        var next = new LayeredDictionary<TValue>(_slots, values ?? _values, added ?? _added, removed, count);
        return next.StaleCount <= Math.Max(MinStale, _slots.Count / StaleFraction) ? next : Frozen(next);
    }

    public IEnumerable<string> Keys => this.Select(e => e.Key);

    public IEnumerable<TValue> Values => this.Select(e => e.Value);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        foreach (var (key, slot) in _slots)
        {
            if (_values[slot] is { } value)
            {
                yield return new(key, value);
            }
        }
        foreach (var entry in _added)
        {
            yield return entry;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
