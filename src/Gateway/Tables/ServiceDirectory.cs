using System.Collections.Frozen;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>
/// Every Service an on-demand proxy may be asked for, by key and by cluster IP, without its routes: how it
/// tells a request for a Service it has not fetched yet from a request for nothing.
/// </summary>
public sealed class ServiceDirectory(FrozenDictionary<string, ServiceDirectoryEntry> byKey, FrozenDictionary<string, string> keysByClusterIP)
{
    public static readonly ServiceDirectory Empty = new(
        FrozenDictionary<string, ServiceDirectoryEntry>.Empty, FrozenDictionary<string, string>.Empty);

    /// <summary>Keyed "namespace/name".</summary>
    public FrozenDictionary<string, ServiceDirectoryEntry> ByKey { get; } = byKey;

    /// <summary>Cluster IP → "namespace/name".</summary>
    public FrozenDictionary<string, string> KeysByClusterIP { get; } = keysByClusterIP;

    public static ServiceDirectory From(IReadOnlyDictionary<string, Versioned<ServiceDirectoryEntry>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byClusterIP = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, entry) in entries)
        {
            if (entry.Value.ClusterIP is { Length: > 0 } ip)
            {
                byClusterIP[ip] = key;
            }
        }
        return new ServiceDirectory(
            entries.ToFrozenDictionary(e => e.Key, e => e.Value.Value, StringComparer.Ordinal),
            byClusterIP.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
