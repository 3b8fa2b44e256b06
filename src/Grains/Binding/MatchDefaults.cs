using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>Fills in the defaults the Gateway API CRDs state, so every later stage sees explicit values.</summary>
public static class MatchDefaults
{
    private static readonly HttpRouteMatch MatchEverything = Normalize(new HttpRouteMatch());

    /// <summary>
    /// An HTTPRoute's rules when it names none: the CRD's default, one rule matching PathPrefix "/" (with
    /// no backends, so its requests are answered 500). A cluster whose CRDs predate that default stores no
    /// rules at all; the route must still mean what the API says. GRPCRoute's rules have no default.
    /// </summary>
    public static readonly IReadOnlyList<HttpRouteRule> HttpRules = [new HttpRouteRule()];

    /// <summary>The matches of a rule; a rule without matches matches every request (PathPrefix "/").</summary>
    public static IReadOnlyList<HttpRouteMatch> Of(HttpRouteRule rule) =>
        rule.Matches is { Count: > 0 } matches ? matches.Select(Normalize).ToList() : [MatchEverything];

    public static HttpRouteMatch Normalize(HttpRouteMatch match) => match with
    {
        Path = new HttpPathMatch
        {
            Type = match.Path?.Type ?? PathMatchType.PathPrefix,
            Value = match.Path?.Value ?? "/",
        },
        Headers = match.Headers?.Select(h => h with { Type = h.Type ?? "Exact" }).ToList(),
        QueryParams = match.QueryParams?.Select(q => q with { Type = q.Type ?? "Exact" }).ToList(),
    };
}
