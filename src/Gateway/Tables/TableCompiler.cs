using System.Collections.Frozen;
using Mesh.Gateway.Balancing;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>
/// Compiles the facets a proxy holds into <see cref="RouteTables"/>, incrementally: each compile derives the
/// new tables from the last ones, recompiling only the Services, pools and workloads that changed, so a batch
/// costs what it changed rather than what the proxy holds. Unchanged <see cref="ServiceTable"/>s and
/// <see cref="EndpointPool"/>s are carried over as the same objects. Not thread-safe: one writer.
/// </summary>
public sealed class TableCompiler
{
    private RouteTables _last = RouteTables.Empty;
    private readonly Dictionary<string, CompiledBackend> _backends = new(StringComparer.Ordinal);
    private readonly EndpointStates _endpointStates = new();
    private readonly ClusterIPClaims _clusterIPs = new();
    private WorkloadDirectory? _workloads;

    /// <summary>Endpoint addresses whose state is kept (every address some pool lists).</summary>
    public int EndpointStateCount => _endpointStates.Count;

    /// <summary>Compiles the whole held state, looking at every Service (still reusing what did not change).</summary>
    public RouteTables Compile(
        IReadOnlyDictionary<string, Versioned<FrontendFacet>> frontends,
        IReadOnlyDictionary<string, Versioned<BackendFacet>> backends,
        WorkloadDirectory? workloads,
        ServiceDirectory? directory = null)
    {
        ArgumentNullException.ThrowIfNull(frontends);
        ArgumentNullException.ThrowIfNull(backends);
        var keys = frontends.Keys.Concat(backends.Keys).Concat(_last.ServicesByKey.Keys).Concat(_backends.Keys);
        return Update(frontends, backends, workloads, keys, directory);
    }

    /// <summary>
    /// Compiles the held state when only the Services in <paramref name="changed"/> (added, updated or removed)
    /// can differ from the last compile. Workloads are recompiled when <paramref name="workloads"/> is a new object.
    /// </summary>
    public RouteTables Update(
        IReadOnlyDictionary<string, Versioned<FrontendFacet>> frontends,
        IReadOnlyDictionary<string, Versioned<BackendFacet>> backends,
        WorkloadDirectory? workloads,
        IEnumerable<string> changed,
        ServiceDirectory? directory = null)
    {
        ArgumentNullException.ThrowIfNull(frontends);
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(changed);
        var batch = new Batch();
        foreach (var key in changed.ToHashSet(StringComparer.Ordinal))
        {
            UpdateFrontend(key, frontends.GetValueOrDefault(key), batch);
            UpdateBackend(key, backends.GetValueOrDefault(key), batch);
        }
        // Only after every new pool has taken its endpoints' states: an endpoint moving between pools keeps its own.
        foreach (var pool in batch.RetiredPools)
        {
            _endpointStates.Release(pool);
        }

        var services = _last.ServicesByKey.With(batch.Services);
        var byClusterIP = _last.ServicesByClusterIP.With(batch.ClusterIPs
            .Select(ip => KeyValuePair.Create(ip, _clusterIPs.OwnerOf(ip) is { } owner ? services.GetValueOrDefault(owner) : null))
            .ToList());
        var workloadsByAddress = ReferenceEquals(workloads, _workloads)
            ? _last.WorkloadsByAddress
            : _last.WorkloadsByAddress.With(WorkloadChanges(_last.WorkloadsByAddress, workloads));
        _workloads = workloads;
        _last = new RouteTables(services, byClusterIP, workloadsByAddress, _last.EndpointPools.With(batch.Pools), directory);
        return _last;
    }

    private void UpdateFrontend(string key, Versioned<FrontendFacet>? frontend, Batch batch)
    {
        var old = _last.ServicesByKey.GetValueOrDefault(key);
        if (old is null && frontend is null || old is not null && old.Version == frontend?.Version)
        {
            return;
        }
        var table = frontend is null ? null : CompileService(key, frontend);
        batch.Services.Add(KeyValuePair.Create(key, table));
        if (old?.ClusterIP is { } oldIP)
        {
            _clusterIPs.Release(oldIP, key);
            batch.ClusterIPs.Add(oldIP);
        }
        if (table?.ClusterIP is { } newIP)
        {
            _clusterIPs.Claim(newIP, key);
            batch.ClusterIPs.Add(newIP);
        }
    }

    private void UpdateBackend(string key, Versioned<BackendFacet>? backend, Batch batch)
    {
        var old = _backends.GetValueOrDefault(key);
        if (old is null && backend is null || old is not null && old.Version == backend?.Version)
        {
            return;
        }
        var pools = new Dictionary<string, EndpointPool>(StringComparer.Ordinal);
        if (backend is not null)
        {
            // A port listed twice: the last listing wins, as it always has.
            var ports = new Dictionary<int, BackendPort>();
            foreach (var port in backend.Value.Ports)
            {
                ports[port.Port] = port;
            }
            foreach (var port in ports.Values)
            {
                pools[EndpointPool.KeyOf(key, port.Port)] = new EndpointPool(key, port, _endpointStates.Acquire);
            }
            _backends[key] = new CompiledBackend(backend.Version, [.. pools.Values]);
        }
        else
        {
            _backends.Remove(key);
        }
        foreach (var retired in old?.Pools ?? [])
        {
            batch.RetiredPools.Add(retired);
            var poolKey = EndpointPool.KeyOf(key, retired.Port);
            if (!pools.ContainsKey(poolKey))
            {
                batch.Pools.Add(KeyValuePair.Create(poolKey, (EndpointPool?)null));
            }
        }
        batch.Pools.AddRange(pools.Select(p => KeyValuePair.Create(p.Key, (EndpointPool?)p.Value)));
    }

    /// <summary>The workloads added, changed (by value) or gone; unchanged ones keep their objects.</summary>
    private static List<KeyValuePair<string, Workload?>> WorkloadChanges(LayeredDictionary<Workload> current, WorkloadDirectory? workloads)
    {
        var fresh = new Dictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var workload in workloads?.Workloads ?? [])
        {
            fresh[workload.Address] = workload;
        }
        var changes = new List<KeyValuePair<string, Workload?>>();
        foreach (var (address, workload) in fresh)
        {
            if (!current.TryGetValue(address, out var held) || !held.Equals(workload))
            {
                changes.Add(KeyValuePair.Create(address, (Workload?)workload));
            }
        }
        foreach (var (address, _) in current)
        {
            if (!fresh.ContainsKey(address))
            {
                changes.Add(KeyValuePair.Create(address, (Workload?)null));
            }
        }
        return changes;
    }

    public static ServiceTable CompileService(string key, Versioned<FrontendFacet> frontend)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        var ports = frontend.Value.Ports.ToFrozenDictionary(
            p => p.Port,
            p => new PortTable(
                p.Port,
                p.AppProtocol,
                p.Producer is { } producer ? CompileGroup(producer) : null,
                p.Consumers.ToFrozenDictionary(c => c.Key, c => CompileGroup(c.Value), StringComparer.Ordinal)));
        return new ServiceTable(key, frontend.Version, frontend.Value.ClusterIP, ports);
    }

    private static RouteSet CompileGroup(RouteGroup group) => new(Compile(group.Entries), Compile(group.GrpcEntries));

    private static CompiledGroup Compile(List<RouteEntry> entries) => new(
        entries
            .Select(e => new CompiledEntry(e.Route, e.RuleIndex, new RequestMatcher(e.Match), new RouteAction(e)))
            .ToArray());

    /// <summary>The pools compiled from one version of a Service's backend facet.</summary>
    private sealed record CompiledBackend(string Version, EndpointPool[] Pools);

    /// <summary>What one compile changes; null values remove.</summary>
    private sealed class Batch
    {
        public List<KeyValuePair<string, ServiceTable?>> Services { get; } = [];
        public HashSet<string> ClusterIPs { get; } = new(StringComparer.Ordinal);
        public List<KeyValuePair<string, EndpointPool?>> Pools { get; } = [];
        public List<EndpointPool> RetiredPools { get; } = [];
    }
}
