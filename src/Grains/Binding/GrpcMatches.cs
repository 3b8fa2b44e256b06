using System.Text.RegularExpressions;
using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>
/// A gRPC call is an HTTP/2 POST to "/{service}/{method}", so a GRPCRouteMatch becomes an HTTP match on
/// that path: service and method exact → Exact path; service only → PathPrefix "/{service}"; anything
/// else → a RegularExpression over both parts (an absent part matches any name). Headers carry over.
/// Precedence stays gRPC's own (see <see cref="GrpcPrecedence"/>).
/// </summary>
public static class GrpcMatches
{
    private const string AnyName = "[^/]+";

    public static IReadOnlyList<HttpRouteMatch> Of(GrpcRouteRule rule) =>
        rule.Matches is { Count: > 0 } matches ? matches.Select(ToHttp).ToList() : [ToHttp(new GrpcRouteMatch())];

    public static HttpRouteMatch ToHttp(GrpcRouteMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var exact = (match.Method?.Type ?? "Exact") == "Exact";
        // "If left empty or omitted, will match any": the CRD lets a RegularExpression match say "" for either part.
        var service = NullIfEmpty(match.Method?.Service);
        var method = NullIfEmpty(match.Method?.Method);
        HttpPathMatch path;
        if (service is null && method is null)
        {
            path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = "/" };
        }
        else if (exact && service is not null && method is not null)
        {
            path = new HttpPathMatch { Type = PathMatchType.Exact, Value = $"/{service}/{method}" };
        }
        else if (exact && service is not null)
        {
            path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = $"/{service}" };
        }
        else
        {
            var servicePattern = service is { } s ? (exact ? Regex.Escape(s) : s) : AnyName;
            var methodPattern = method is { } m ? (exact ? Regex.Escape(m) : m) : AnyName;
            path = new HttpPathMatch { Type = PathMatchType.RegularExpression, Value = $"/(?:{servicePattern})/(?:{methodPattern})" };
        }
        return MatchDefaults.Normalize(new HttpRouteMatch { Path = path, Headers = match.Headers });
    }

    private static string? NullIfEmpty(string? name) => string.IsNullOrEmpty(name) ? null : name;
}

/// <summary>A GRPCRoute match waiting to be ordered.</summary>
public sealed record GrpcMatchCandidate(ObjectMeta Route, int RuleIndex, int MatchIndex, GrpcRouteMatch Match)
{
    /// <summary>"namespace/name", taken once: precedence ties compare it.</summary>
    public string RouteKey { get; } = $"{Route.Namespace}/{Route.Name}";
}

/// <summary>
/// GRPCRoute precedence: the most characters of a matching service, then of a matching method, then the
/// most header matches; ties to the oldest route, then "namespace/name", then rule and match order.
/// </summary>
public sealed class GrpcPrecedence : IComparer<GrpcMatchCandidate>
{
    public static readonly GrpcPrecedence Instance = new();

    public int Compare(GrpcMatchCandidate? x, GrpcMatchCandidate? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }
        int order;
        if ((order = (y.Match.Method?.Service?.Length ?? 0).CompareTo(x.Match.Method?.Service?.Length ?? 0)) != 0
            || (order = (y.Match.Method?.Method?.Length ?? 0).CompareTo(x.Match.Method?.Method?.Length ?? 0)) != 0
            || (order = (y.Match.Headers?.Count ?? 0).CompareTo(x.Match.Headers?.Count ?? 0)) != 0
            || (order = Nullable.Compare(x.Route.CreationTimestamp, y.Route.CreationTimestamp)) != 0
            || (order = string.CompareOrdinal(x.RouteKey, y.RouteKey)) != 0
            || (order = x.RuleIndex.CompareTo(y.RuleIndex)) != 0)
        {
            return order;
        }
        return x.MatchIndex.CompareTo(y.MatchIndex);
    }
}
