namespace Mesh.Grains.Model;

/// <summary>gateway.networking.k8s.io/v1beta1 ReferenceGrant: lets objects of other namespaces refer into this one.</summary>
public sealed record ReferenceGrant
{
    public ObjectMeta Metadata { get; init; } = new();
    public ReferenceGrantSpec Spec { get; init; } = new();
}

public sealed record ReferenceGrantSpec
{
    public List<ReferenceGrantFrom> From { get; init; } = [];
    public List<ReferenceGrantTo> To { get; init; } = [];
}

public sealed record ReferenceGrantFrom
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Namespace { get; init; } = "";
}

public sealed record ReferenceGrantTo
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Name { get; init; }
}
