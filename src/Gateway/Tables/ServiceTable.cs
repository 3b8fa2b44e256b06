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
}

/// <summary>One Service port: producer routes, and consumer routes per client namespace.</summary>
public sealed class PortTable(int port, string? appProtocol, CompiledGroup? producer, FrozenDictionary<string, CompiledGroup> consumers)
{
    public int Port { get; } = port;
    public string? AppProtocol { get; } = appProtocol;
    public CompiledGroup? Producer { get; } = producer;
    public FrozenDictionary<string, CompiledGroup> Consumers { get; } = consumers;

    /// <summary>
    /// The routes that apply to a client: its namespace's consumer routes if it has any, else the producer
    /// routes; null when none are attached (the request then goes to the Service's own endpoints).
    /// </summary>
    public CompiledGroup? GroupFor(string? clientNamespace) =>
        clientNamespace is not null && Consumers.TryGetValue(clientNamespace, out var consumer) ? consumer : Producer;
}
