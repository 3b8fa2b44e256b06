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
        Headers = FirstOfEachName(match.Headers)?.Select(h => h with { Type = h.Type ?? "Exact" }).ToList(),
        QueryParams = match.QueryParams?.Select(q => q with { Type = q.Type ?? "Exact" }).ToList(),
    };

    /// <summary>
    /// Header matches as the spec reads them: names are case-insensitive, and of entries with equivalent names
    /// only the first counts ("the rest MUST be ignored"). The CRD keys the list by the name as written, so
    /// "X-Env" and "x-env" both pass it; the later one must neither be matched nor count for precedence.
    /// </summary>
    public static List<HttpHeaderMatch>? FirstOfEachName(List<HttpHeaderMatch>? headers)
    {
        if (headers is null || headers.Count < 2)
        {
            return headers;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return headers.Count(h => seen.Add(h.Name)) == headers.Count ? headers : Distinct(headers);

        static List<HttpHeaderMatch> Distinct(List<HttpHeaderMatch> headers)
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            return headers.Where(h => names.Add(h.Name)).ToList();
        }
    }
}
