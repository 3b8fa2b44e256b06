using System.Collections.Frozen;
using System.Net;
using Mesh.Gateway.Balancing;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>
/// Compiles the facets a proxy holds into <see cref="RouteTables"/> (pure). Service tables are cached by
/// frontend version, so a change to one Service recompiles only that Service.
/// </summary>
public sealed class TableCompiler
{
    private Dictionary<string, ServiceTable> _cache = new(StringComparer.Ordinal);
    private Dictionary<IPEndPoint, EndpointState> _endpoints = [];

    public RouteTables Compile(
        IReadOnlyDictionary<string, Versioned<FrontendFacet>> frontends,
        IReadOnlyDictionary<string, Versioned<BackendFacet>> backends,
        WorkloadDirectory? workloads,
        ServiceDirectory? directory = null)
    {
        ArgumentNullException.ThrowIfNull(frontends);
        ArgumentNullException.ThrowIfNull(backends);
        var services = new Dictionary<string, ServiceTable>(StringComparer.Ordinal);
        foreach (var (key, frontend) in frontends)
        {
            services[key] = _cache.TryGetValue(key, out var cached) && cached.Version == frontend.Version
                ? cached
                : CompileService(key, frontend);
        }
        _cache = services;

        var byClusterIP = new Dictionary<string, ServiceTable>(StringComparer.Ordinal);
        foreach (var table in services.Values)
        {
            if (table.ClusterIP is { } ip)
            {
                byClusterIP[ip] = table;
            }
        }

        // Endpoint state (in-flight counts, ejections) carries over to the new tables by address.
        var endpoints = new Dictionary<IPEndPoint, EndpointState>();
        EndpointState StateOf(IPEndPoint address)
        {
            if (!endpoints.TryGetValue(address, out var state))
            {
                endpoints[address] = state = _endpoints.GetValueOrDefault(address) ?? new EndpointState(address);
            }
            return state;
        }
        var pools = new Dictionary<string, EndpointPool>(StringComparer.Ordinal);
        foreach (var (key, backend) in backends)
        {
            foreach (var port in backend.Value.Ports)
            {
                pools[EndpointPool.KeyOf(key, port.Port)] = new EndpointPool(key, port, StateOf);
            }
        }
        _endpoints = endpoints;

        var workloadsByAddress = new Dictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var workload in workloads?.Workloads ?? [])
        {
            workloadsByAddress[workload.Address] = workload;
        }

        return new RouteTables(
            services.ToFrozenDictionary(StringComparer.Ordinal),
            byClusterIP.ToFrozenDictionary(StringComparer.Ordinal),
            workloadsByAddress.ToFrozenDictionary(StringComparer.Ordinal),
            pools.ToFrozenDictionary(StringComparer.Ordinal),
            directory);
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
}
