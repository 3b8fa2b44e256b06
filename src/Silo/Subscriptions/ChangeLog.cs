namespace Mesh.Silo.Subscriptions;

/// <summary>
/// Every Service's latest entry in the order of its last change. A subscriber is a cursor into it: what
/// it still has to send is the entries after its cursor, so a change costs the hub one append, not a mark
/// on every subscriber, and a slow subscriber costs nothing while it falls behind. Superseded entries
/// are skipped and dropped from time to time.
/// </summary>
/// <remarks>Used only under the hub's lock.</remarks>
public sealed class ChangeLog
{
    private List<ServiceEntry> _entries = [];
    private readonly Dictionary<string, ServiceEntry> _latest = new(StringComparer.Ordinal);
    private int _appendsSinceCompaction;

    public int Count => _entries.Count;

    public ServiceEntry this[int index] => _entries[index];

    /// <summary>The sequence of the last change, 0 before any.</summary>
    public long LastSeq => _entries.Count == 0 ? 0 : _entries[^1].Seq;

    /// <summary>Every key's latest entry, tombstones included.</summary>
    public IReadOnlyDictionary<string, ServiceEntry> Latest => _latest;

    public bool IsLatest(ServiceEntry entry) =>
        _latest.TryGetValue(entry.Key, out var latest) && ReferenceEquals(latest, entry);

    /// <summary>Appends the entry of a change; sequences must increase.</summary>
    public void Append(ServiceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _appendsSinceCompaction++;
        _latest[entry.Key] = entry;
        _entries.Add(entry);
    }

    /// <summary>True once the appends since the last <see cref="Compact"/> outnumber the keys: compacting then costs O(1) per append.</summary>
    public bool NeedsCompaction => _appendsSinceCompaction > Math.Max(1024, _latest.Count);

    /// <summary>The index of the first entry with a sequence above <paramref name="seq"/> (Count when none).</summary>
    public int FirstAfter(long seq)
    {
        int low = 0, high = _entries.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_entries[middle].Seq <= seq)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>Drops superseded entries, and tombstones at or before <paramref name="passedByAll"/>, which no subscriber still has to send.</summary>
    public void Compact(long passedByAll)
    {
        var kept = new List<ServiceEntry>(_latest.Count);
        foreach (var entry in _entries)
        {
            if (!IsLatest(entry))
            {
                continue;
            }
            if (!entry.Exists && entry.Seq <= passedByAll)
            {
                _latest.Remove(entry.Key);
                continue;
            }
            kept.Add(entry);
        }
        _entries = kept;
        _appendsSinceCompaction = 0;
    }
}
