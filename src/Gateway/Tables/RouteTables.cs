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
        LayeredDictionary<ServiceTable>.Empty,
        LayeredDictionary<ServiceTable>.Empty,
        LayeredDictionary<Workload>.Empty,
        LayeredDictionary<EndpointPool>.Empty);

    public RouteTables(
        LayeredDictionary<ServiceTable> servicesByKey,
        LayeredDictionary<ServiceTable> servicesByClusterIP,
        LayeredDictionary<Workload> workloadsByAddress,
        LayeredDictionary<EndpointPool> endpointPools,
        ServiceDirectory? directory = null)
    {
        Directory = directory ?? ServiceDirectory.Empty;
        ServicesByKey = servicesByKey;
        ServicesByClusterIP = servicesByClusterIP;
        WorkloadsByAddress = workloadsByAddress;
        EndpointPools = endpointPools;
    }

    /// <summary>Keyed "namespace/name".</summary>
    public LayeredDictionary<ServiceTable> ServicesByKey { get; }
    public LayeredDictionary<ServiceTable> ServicesByClusterIP { get; }
    public LayeredDictionary<Workload> WorkloadsByAddress { get; }

    /// <summary>Every Service known to an on-demand proxy, fetched or not (empty when it subscribes to all).</summary>
    public ServiceDirectory Directory { get; }

    /// <summary>Keyed by <see cref="EndpointPool.KeyOf"/>: "namespace/name:port".</summary>
    public LayeredDictionary<EndpointPool> EndpointPools { get; }

    public EndpointPool? PoolFor(string service, int port)
    {
        // Spelled on the stack: finding a request's pool allocates nothing.
        var room = EndpointPool.KeyRoom(service);
        var key = room <= 256 ? stackalloc char[256] : new char[room];
        return EndpointPools.TryGetValue(key[..EndpointPool.WriteKey(service, port, key)], out var pool) ? pool : null;
    }
}
