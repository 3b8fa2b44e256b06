using System.Collections.Frozen;
using Mesh.Gateway.Balancing;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>
/// Everything a proxy consults per request, compiled and immutable: Services by name and by cluster IP,
/// the pod directory, and endpoint pools. A new instance replaces the old one atomically.
/// </summary>
public sealed class RouteTables
{
    public static readonly RouteTables Empty = new(
        FrozenDictionary<string, ServiceTable>.Empty,
        FrozenDictionary<string, ServiceTable>.Empty,
        FrozenDictionary<string, Workload>.Empty,
        FrozenDictionary<string, EndpointPool>.Empty);

    public RouteTables(
        FrozenDictionary<string, ServiceTable> servicesByKey,
        FrozenDictionary<string, ServiceTable> servicesByClusterIP,
        FrozenDictionary<string, Workload> workloadsByAddress,
        FrozenDictionary<string, EndpointPool> endpointPools,
        ServiceDirectory? directory = null)
    {
        Directory = directory ?? ServiceDirectory.Empty;
        ServicesByKey = servicesByKey;
        ServicesByClusterIP = servicesByClusterIP;
        WorkloadsByAddress = workloadsByAddress;
        EndpointPools = endpointPools;
    }

    /// <summary>Keyed "namespace/name".</summary>
    public FrozenDictionary<string, ServiceTable> ServicesByKey { get; }
    public FrozenDictionary<string, ServiceTable> ServicesByClusterIP { get; }
    public FrozenDictionary<string, Workload> WorkloadsByAddress { get; }

    /// <summary>Every Service known to an on-demand proxy, fetched or not (empty when it subscribes to all).</summary>
    public ServiceDirectory Directory { get; }

    /// <summary>Keyed by <see cref="EndpointPool.KeyOf"/>: "namespace/name:port".</summary>
    public FrozenDictionary<string, EndpointPool> EndpointPools { get; }

    public EndpointPool? PoolFor(string service, int port) =>
        EndpointPools.GetValueOrDefault(EndpointPool.KeyOf(service, port));
}
