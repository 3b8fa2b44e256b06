using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>A route match waiting to be ordered, with what precedence looks at.</summary>
public sealed record MatchCandidate(ObjectMeta Route, int RuleIndex, int MatchIndex, HttpRouteMatch Match)
{
    /// <summary>"namespace/name", taken once: precedence ties compare it.</summary>
    public string RouteKey { get; } = $"{Route.Namespace}/{Route.Name}";
}

/// <summary>
/// HTTPRoute precedence across all routes of one group, as the Gateway API states it: Exact path, then
/// the longest prefix, then method, most headers, most query params; ties go to the oldest route, then
/// "namespace/name" alphabetically, then rule and match order within the route. RegularExpression
/// paths are implementation-specific: Mesh ranks them after Exact and before PathPrefix, longer first.
/// </summary>
public sealed class RoutePrecedence : IComparer<MatchCandidate>
{
    public static readonly RoutePrecedence Instance = new();

    public int Compare(MatchCandidate? x, MatchCandidate? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }
        var xPath = x.Match.Path!;
        var yPath = y.Match.Path!;
        int order;
        if ((order = PathTypeRank(xPath.Type).CompareTo(PathTypeRank(yPath.Type))) != 0
            || (order = (yPath.Value?.Length ?? 0).CompareTo(xPath.Value?.Length ?? 0)) != 0
            || (order = (y.Match.Method is null ? 0 : 1).CompareTo(x.Match.Method is null ? 0 : 1)) != 0
            || (order = (y.Match.Headers?.Count ?? 0).CompareTo(x.Match.Headers?.Count ?? 0)) != 0
            || (order = (y.Match.QueryParams?.Count ?? 0).CompareTo(x.Match.QueryParams?.Count ?? 0)) != 0
            || (order = Nullable.Compare(x.Route.CreationTimestamp, y.Route.CreationTimestamp)) != 0
            || (order = string.CompareOrdinal(x.RouteKey, y.RouteKey)) != 0
            || (order = x.RuleIndex.CompareTo(y.RuleIndex)) != 0)
        {
            return order;
        }
        return x.MatchIndex.CompareTo(y.MatchIndex);
    }

    private static int PathTypeRank(string? type) => type switch
    {
        PathMatchType.Exact => 0,
        PathMatchType.RegularExpression => 1,
        _ => 2,
    };
}
