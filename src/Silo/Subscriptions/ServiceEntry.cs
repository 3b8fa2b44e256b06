using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// The hub's record of one Service at one change: its snapshot, the directory facet taken from it, the
/// change's sequence number and the sequence at which each facet last changed. Immutable: a change makes
/// a new entry, so a writer can encode an entry outside the hub's lock. A removed Service is an entry whose
/// snapshot does not exist (a tombstone), kept until every subscriber has passed it.
/// </summary>
public sealed class ServiceEntry
{
    // One shared message per combination of facets, built on first use.
    private readonly SharedMessage?[] _messages = new SharedMessage?[8];

    private ServiceEntry(string key, ServiceSnapshot snapshot, Versioned<ServiceDirectoryEntry>? directory,
        long seq, long frontendSeq, long backendSeq, long directorySeq)
    {
        Key = key;
        Snapshot = snapshot;
        Directory = directory;
        Seq = seq;
        FrontendSeq = frontendSeq;
        BackendSeq = backendSeq;
        DirectorySeq = directorySeq;
    }

    public string Key { get; }
    public ServiceSnapshot Snapshot { get; }
    public Versioned<ServiceDirectoryEntry>? Directory { get; }
    public long Seq { get; }
    public long FrontendSeq { get; }
    public long BackendSeq { get; }
    public long DirectorySeq { get; }

    /// <summary>When the hub took this change (a Stopwatch timestamp), for the push-latency metric.</summary>
    public long ChangedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    public bool Exists => Snapshot.Exists;

    /// <summary>The entry after <paramref name="previous"/> for a change numbered <paramref name="seq"/>; facets whose version did not move keep their sequence.</summary>
    public static ServiceEntry Next(ServiceEntry? previous, ServiceSnapshot snapshot, long seq)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var frontendSame = previous is not null && previous.Snapshot.Frontend?.Version == snapshot.Frontend?.Version;
        var backendSame = previous is not null && previous.Snapshot.Backend?.Version == snapshot.Backend?.Version;
        // The directory is derived from the frontend: recomputed (and re-versioned) only when the frontend moved.
        var directory = frontendSame ? previous!.Directory : DirectoryOf(snapshot);
        var directorySame = previous is not null && previous.Directory?.Version == directory?.Version;
        return new ServiceEntry(snapshot.Key, snapshot, directory, seq,
            frontendSame ? previous!.FrontendSeq : seq,
            backendSame ? previous!.BackendSeq : seq,
            directorySame ? previous!.DirectorySeq : seq);
    }

    private static Versioned<ServiceDirectoryEntry>? DirectoryOf(ServiceSnapshot snapshot)
    {
        if (snapshot.Frontend?.Value is not { } frontend)
        {
            return null;
        }
        var entry = ServiceDirectoryEntry.Of(frontend);
        return new Versioned<ServiceDirectoryEntry>(ContentVersion.Of(entry), entry);
    }

    /// <summary>Which of <paramref name="wanted"/> this entry has at all (a facet may be absent).</summary>
    public Facets Available(Facets wanted)
    {
        var available = Facets.None;
        if (wanted.HasFlag(Facets.Frontend) && Snapshot.Frontend is not null)
        {
            available |= Facets.Frontend;
        }
        if (wanted.HasFlag(Facets.Backend) && Snapshot.Backend is not null)
        {
            available |= Facets.Backend;
        }
        if (wanted.HasFlag(Facets.Directory) && Directory is not null)
        {
            available |= Facets.Directory;
        }
        return available;
    }

    /// <summary>The shared "service" message carrying <paramref name="facets"/> (a removal for a tombstone).</summary>
    public SharedMessage Message(Facets facets)
    {
        var index = Exists ? (int)facets : 0;
        return Volatile.Read(ref _messages[index]) ?? Build(index, facets);
    }

    private SharedMessage Build(int index, Facets facets)
    {
        var shared = Exists
            ? new SharedMessage(new SubscriptionMessage
            {
                Type = MessageType.Service,
                Key = Key,
                Frontend = facets.HasFlag(Facets.Frontend) ? Snapshot.Frontend : null,
                Backend = facets.HasFlag(Facets.Backend) ? Snapshot.Backend : null,
                Directory = facets.HasFlag(Facets.Directory) ? Directory : null,
            }) { ChangedAt = ChangedAt }
            : new SharedMessage(Removal(Key).Message) { ChangedAt = ChangedAt };
        return Interlocked.CompareExchange(ref _messages[index], shared, null) ?? shared;
    }

    /// <summary>"The Service is gone", for a key the hub has no entry for.</summary>
    public static SharedMessage Removal(string key) =>
        new(new SubscriptionMessage { Type = MessageType.Service, Key = key, Removed = true });
}
