using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>
/// What one <see cref="IncrementalTranslator.Flush"/> recomputed. Facets and statuses not listed kept
/// their previous objects. The values are in <see cref="IncrementalTranslator.State"/>.
/// </summary>
public sealed record MeshDelta
{
    /// <summary>Services ("namespace/name") whose frontend or backend was rebuilt or removed.</summary>
    public IReadOnlyCollection<string> Services { get; init; } = [];

    /// <summary>Route statuses rebuilt (by status key); null when the route no longer has any (deleted, or no Service parent).</summary>
    public IReadOnlyList<KeyValuePair<string, RouteStatus?>> RouteStatuses { get; init; } = [];

    public bool WorkloadsChanged { get; init; }

    /// <summary>How many routes were translated again (for metrics and the bench).</summary>
    public int RoutesTranslated { get; init; }

    public bool IsEmpty => Services.Count == 0 && RouteStatuses.Count == 0 && !WorkloadsChanged;
}
