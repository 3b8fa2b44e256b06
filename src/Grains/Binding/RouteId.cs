using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>A route of either kind, by kind and "namespace/name".</summary>
public readonly record struct RouteId(string Kind, ObjectKey Key)
{
    /// <summary>The key of its status in <see cref="MeshState.RouteStatuses"/>.</summary>
    public string StatusKey => MeshState.StatusKey(Kind, Key);
}
