using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Subscription;

/// <summary>The facets a proxy holds, with their versions: what it resumes a subscription from and what a snapshot file keeps.</summary>
public sealed record HeldState
{
    public Dictionary<string, Versioned<FrontendFacet>> Frontends { get; init; } = new(StringComparer.Ordinal);
    public Dictionary<string, Versioned<BackendFacet>> Backends { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Directory entries of every Service (on-demand subscriptions only).</summary>
    public Dictionary<string, Versioned<ServiceDirectoryEntry>> Directory { get; init; } = new(StringComparer.Ordinal);
    public Versioned<WorkloadDirectory>? Workloads { get; set; }
}
