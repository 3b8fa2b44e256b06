namespace Mesh.Grains.State;

/// <summary>Which pod, in which namespace, owns each pod address: how a proxy knows a client's namespace.</summary>
public sealed record WorkloadDirectory
{
    public List<Workload> Workloads { get; init; } = [];
}

public sealed record Workload
{
    public string Address { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Pod { get; init; } = "";
}
