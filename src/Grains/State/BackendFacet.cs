namespace Mesh.Grains.State;

/// <summary>The backend facet of a Service: its endpoints, per Service port.</summary>
public sealed record BackendFacet
{
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public List<BackendPort> Ports { get; init; } = [];
}

public sealed record BackendPort
{
    /// <summary>The Service port; backendRefs name this one.</summary>
    public int Port { get; init; }
    public string? Name { get; init; }
    public string? AppProtocol { get; init; }
    public List<BackendEndpoint> Endpoints { get; init; } = [];
}

/// <summary>One endpoint: a pod address and the resolved target port.</summary>
public sealed record BackendEndpoint
{
    public string Address { get; init; } = "";
    public int Port { get; init; }
    public bool Ready { get; init; }
    public bool Serving { get; init; }
    public bool Terminating { get; init; }
    public string? Pod { get; init; }
}
