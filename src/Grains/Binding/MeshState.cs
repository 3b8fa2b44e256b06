using Mesh.Grains.State;
using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>The result of translating a snapshot: both facets of every Service, the pod directory, route status.</summary>
public sealed record MeshState
{
    public SortedDictionary<string, FrontendFacet> Frontends { get; init; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, BackendFacet> Backends { get; init; } = new(StringComparer.Ordinal);
    public WorkloadDirectory Workloads { get; set; } = new();

    /// <summary>Status per route that has at least one Service parent, keyed "Kind:namespace/name".</summary>
    public SortedDictionary<string, RouteStatus> RouteStatuses { get; init; } = new(StringComparer.Ordinal);

    public static string StatusKey(string kind, Model.ObjectKey route) => $"{kind}:{route}";

    public static (string Kind, Model.ObjectKey Route) ParseStatusKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return (key[..colon], Model.ObjectKey.Parse(key[(colon + 1)..]));
    }
}
