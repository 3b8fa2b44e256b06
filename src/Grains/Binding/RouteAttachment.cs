namespace Mesh.Grains.Binding;

/// <summary>A route's matches in one group.</summary>
internal sealed record RouteAttachment(GroupKey Group, List<RouteEntryCandidate> Candidates);
