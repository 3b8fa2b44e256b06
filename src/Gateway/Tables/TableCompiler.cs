using System.Collections.Frozen;
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

    public RouteTables Compile(
        IReadOnlyDictionary<string, Versioned<FrontendFacet>> frontends,
        IReadOnlyDictionary<string, Versioned<BackendFacet>> backends,
        WorkloadDirectory? workloads)
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

        var pools = new Dictionary<string, EndpointPool>(StringComparer.Ordinal);
        foreach (var (key, backend) in backends)
        {
            foreach (var port in backend.Value.Ports)
            {
                pools[EndpointPool.KeyOf(key, port.Port)] = new EndpointPool(key, port);
            }
        }

        var workloadsByAddress = new Dictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var workload in workloads?.Workloads ?? [])
        {
            workloadsByAddress[workload.Address] = workload;
        }

        return new RouteTables(
            services.ToFrozenDictionary(StringComparer.Ordinal),
            byClusterIP.ToFrozenDictionary(StringComparer.Ordinal),
            workloadsByAddress.ToFrozenDictionary(StringComparer.Ordinal),
            pools.ToFrozenDictionary(StringComparer.Ordinal));
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
