namespace Mesh.Grains.State;

/// <summary>
/// What a proxy subscribed on demand knows of every Service before it needs it: enough to tell a request
/// for that Service (by name or cluster IP) from one for nothing, and to ask the silo for its facets.
/// Taken from the frontend facet, so it changes only when the Service's address or ports do.
/// </summary>
public sealed record ServiceDirectoryEntry
{
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public string? ClusterIP { get; init; }
    public List<int> Ports { get; init; } = [];

    public static ServiceDirectoryEntry Of(FrontendFacet frontend)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        return new ServiceDirectoryEntry
        {
            Namespace = frontend.Namespace,
            Name = frontend.Name,
            ClusterIP = frontend.ClusterIP,
            Ports = [.. frontend.Ports.Select(p => p.Port).Order()],
        };
    }
}
