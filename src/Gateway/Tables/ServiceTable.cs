using System.Collections.Frozen;

namespace Mesh.Gateway.Tables;

/// <summary>One Service's compiled frontend: a table per port.</summary>
public sealed class ServiceTable(string key, string version, string? clusterIP, FrozenDictionary<int, PortTable> ports)
{
    /// <summary>"namespace/name".</summary>
    public string Key { get; } = key;

    /// <summary>The frontend facet version this was compiled from.</summary>
    public string Version { get; } = version;
    public string? ClusterIP { get; } = clusterIP;
    public FrozenDictionary<int, PortTable> Ports { get; } = ports;

    /// <summary>The other Services its routes send to or mirror to: what an on-demand proxy fetches with it.</summary>
    public IReadOnlyList<string> References { get; } = ReferencesOf(key, ports);

    private static string[] ReferencesOf(string key, FrozenDictionary<int, PortTable> ports)
    {
        var references = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var port in ports.Values)
        {
            foreach (var set in port.Consumers.Values.Append(port.Producer))
            {
                foreach (var entry in set is null ? [] : set.Http.Entries.Concat(set.Grpc.Entries))
                {
                    entry.Action.AddReferences(references);
                }
            }
        }
        references.Remove(key);
        return [.. references];
    }
}

/// <summary>One Service port: producer routes, and consumer routes per client namespace.</summary>
public sealed class PortTable(int port, string? appProtocol, RouteSet? producer, FrozenDictionary<string, RouteSet> consumers)
{
    public int Port { get; } = port;
    public string? AppProtocol { get; } = appProtocol;
    public RouteSet? Producer { get; } = producer;
    public FrozenDictionary<string, RouteSet> Consumers { get; } = consumers;

    /// <summary>
    /// The routes that apply to a client: its namespace's consumer routes if it has any, else the producer
    /// routes; null when none are attached (the request then goes to the Service's own endpoints).
    /// </summary>
    public RouteSet? GroupFor(string? clientNamespace) =>
        clientNamespace is not null && Consumers.TryGetValue(clientNamespace, out var consumer) ? consumer : Producer;
}

/// <summary>One route group of a port: its HTTPRoute entries and its GRPCRoute entries, each compiled.</summary>
public sealed class RouteSet(CompiledGroup http, CompiledGroup grpc)
{
    public CompiledGroup Http { get; } = http;
    public CompiledGroup Grpc { get; } = grpc;

    /// <summary>gRPC calls use the GRPCRoutes when there are any (else HTTPRoutes route them); other requests the HTTPRoutes.</summary>
    public CompiledGroup For(bool isGrpc) => isGrpc && Grpc.Entries.Length > 0 ? Grpc : Http;
}
