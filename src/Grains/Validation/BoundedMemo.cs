using System.Collections.Concurrent;

namespace Mesh.Grains.Validation;

/// <summary>
/// Answers computed once per text key and kept, up to <paramref name="capacity"/> keys; past that the memo
/// starts over, so keys no longer asked about do not pile up. Safe from many threads (a race computes twice).
/// </summary>
public sealed class BoundedMemo<TValue>(int capacity, Func<string, TValue> compute)
{
    private readonly ConcurrentDictionary<string, TValue> _known = new(StringComparer.Ordinal);

    public TValue Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_known.TryGetValue(key, out var known))
        {
            return known;
        }
        var computed = compute(key);
        if (_known.Count >= capacity)
        {
            _known.Clear();
        }
        return _known.GetOrAdd(key, computed);
    }
}
