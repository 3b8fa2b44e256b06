using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.Gateway.Tables;

/// <summary>
/// An immutable string-keyed table that a new version can be derived from at the cost of what changed:
/// a large frozen base, rebuilt rarely, under a small overlay of the entries changed since (null = removed).
/// </summary>
/// <remarks>
/// Why two levels: FrozenDictionary lookups are the fastest we have, but building one costs the whole table;
/// ImmutableDictionary updates cheaply but its lookups walk a tree. Here a lookup is one small-dictionary probe
/// plus one frozen lookup (none when the overlay is empty), and a change copies only the overlay. The base is
/// refrozen once the overlay outgrows a fraction of it, so that copy stays small and the rebuild is amortized
/// over many changes.
/// </remarks>
public sealed class LayeredDictionary<TValue> : IReadOnlyDictionary<string, TValue>
    where TValue : class
{
    // Refreeze when the overlay exceeds 1/OverlayFraction of the base (or MinOverlay, for small tables).
    private const int OverlayFraction = 16;
    private const int MinOverlay = 64;

    public static readonly LayeredDictionary<TValue> Empty = new(FrozenDictionary<string, TValue>.Empty, new Dictionary<string, TValue?>(StringComparer.Ordinal), 0);

    private readonly FrozenDictionary<string, TValue> _base;
    private readonly Dictionary<string, TValue?> _overlay;

    private LayeredDictionary(FrozenDictionary<string, TValue> @base, Dictionary<string, TValue?> overlay, int count)
    {
        _base = @base;
        _overlay = overlay;
        Count = count;
    }

    /// <summary>A table of these entries, all frozen into the base.</summary>
    private static LayeredDictionary<TValue> Frozen(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var frozen = entries.ToFrozenDictionary(StringComparer.Ordinal);
        return new LayeredDictionary<TValue>(frozen, new Dictionary<string, TValue?>(StringComparer.Ordinal), frozen.Count);
    }

    public int Count { get; }

    /// <summary>Entries in the overlay: how far this table is from its last refreeze.</summary>
    public int OverlayCount => _overlay.Count;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_overlay.Count != 0 && _overlay.TryGetValue(key, out var changed))
        {
            value = changed;
            return changed is not null;
        }
        return _base.TryGetValue(key, out value);
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
        var overlay = new Dictionary<string, TValue?>(_overlay, StringComparer.Ordinal);
        var count = Count;
        foreach (var (key, value) in changes)
        {
            count += (value is null ? 0 : 1) - (TryGetValueIn(overlay, key) ? 1 : 0);
            if (value is null && !_base.ContainsKey(key))
            {
                overlay.Remove(key); // Nothing underneath to hide.
            }
            else if (value is not null && _base.TryGetValue(key, out var underneath) && ReferenceEquals(underneath, value))
            {
                overlay.Remove(key); // Back to what the base holds.
            }
            else
            {
                overlay[key] = value;
            }
        }
        if (overlay.Count <= Math.Max(MinOverlay, _base.Count / OverlayFraction))
        {
            return new LayeredDictionary<TValue>(_base, overlay, count);
        }
        return Frozen(new LayeredDictionary<TValue>(_base, overlay, count));
    }

    private bool TryGetValueIn(Dictionary<string, TValue?> overlay, string key) =>
        overlay.TryGetValue(key, out var changed) ? changed is not null : _base.ContainsKey(key);

    public IEnumerable<string> Keys => this.Select(e => e.Key);

    public IEnumerable<TValue> Values => this.Select(e => e.Value);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        foreach (var entry in _base)
        {
            if (!_overlay.ContainsKey(entry.Key))
            {
                yield return entry;
            }
        }
        foreach (var (key, value) in _overlay)
        {
            if (value is not null)
            {
                yield return new(key, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
