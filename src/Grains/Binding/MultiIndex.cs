namespace Mesh.Grains.Binding;

/// <summary>A reverse index: each key to the set of items that read it (empty sets are dropped).</summary>
internal sealed class MultiIndex<TKey, TItem>(IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private static readonly HashSet<TItem> None = [];
    private readonly Dictionary<TKey, HashSet<TItem>> _items = new(comparer);

    public IReadOnlyCollection<TItem> this[TKey key] => _items.TryGetValue(key, out var items) ? items : None;

    public void Add(TKey key, TItem item)
    {
        if (!_items.TryGetValue(key, out var items))
        {
            _items[key] = items = [];
        }
        items.Add(item);
    }

    public void Remove(TKey key, TItem item)
    {
        if (_items.TryGetValue(key, out var items) && items.Remove(item) && items.Count == 0)
        {
            _items.Remove(key);
        }
    }
}
