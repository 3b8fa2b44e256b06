using Mesh.Grains.Model;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Binding;

/// <summary>Finds the first regular expression in a route that the data plane's non-backtracking engine rejects, or that does not compile on its own.</summary>
internal static class RegexCheck
{
    public static string? FirstProblem(RouteSource route)
    {
        if (!route.Rules.Exists(rule => rule.Matches.Any(UsesRegex)))
        {
            return null; // The usual case, without building pattern lists.
        }
        foreach (var (rule, ruleIndex) in route.Rules.Select((r, i) => (r, i)))
        {
            foreach (var (match, matchIndex) in rule.Matches.Select((m, i) => (m, i)))
            {
                var patterns = new List<string?>();
                // A gRPC method's parts first: each sits in a group of the path pattern, where one that does not compile alone still would.
                if (rule.GrpcMatches?[matchIndex].Method is { Type: "RegularExpression" } method)
                {
                    patterns.Add(method.Service);
                    patterns.Add(method.Method);
                }
                if (match.Path?.Type == PathMatchType.RegularExpression)
                {
                    patterns.Add(match.Path.Value);
                }
                patterns.AddRange((match.Headers ?? []).Where(h => h.Type == "RegularExpression").Select(h => h.Value));
                patterns.AddRange((match.QueryParams ?? []).Where(q => q.Type == "RegularExpression").Select(q => q.Value));
                foreach (var pattern in patterns)
                {
                    if (pattern is not null && GatewayApiValidation.RegexProblem(pattern) is { } problem)
                    {
                        return $"spec.rules[{ruleIndex}].matches[{matchIndex}]: regular expression \"{pattern}\" is not supported: {problem}";
                    }
                }
            }
        }
        return null;
    }

    private static bool UsesRegex(HttpRouteMatch match) =>
        match.Path?.Type == PathMatchType.RegularExpression
        || match.Headers?.Exists(h => h.Type == "RegularExpression") == true
        || match.QueryParams?.Exists(q => q.Type == "RegularExpression") == true;
}
