using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>
/// ReplacePrefixMatch replaces the prefix a PathPrefix match matched: "Using any other HTTPRouteMatch type on the same
/// HTTPRouteRule will result in the implementation setting the Accepted Condition for the Route to status: False."
/// The CRD's CEL catches that only for one such filter per rule or per rule's backendRefs (<c>exists_one</c>);
/// two backendRefs with a prefix replacement each pass it, and an Exact or RegularExpression match has no prefix to replace.
/// </summary>
internal static class PrefixReplacementCheck
{
    public static string? FirstProblem(RouteSource route)
    {
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            var rule = route.Rules[ruleIndex];
            if (!ReplacesPrefix(rule.Filters) && rule.BackendRefs?.Exists(b => ReplacesPrefix(b.Filters)) != true)
            {
                continue;
            }
            for (var matchIndex = 0; matchIndex < rule.Matches.Count; matchIndex++)
            {
                if (rule.Matches[matchIndex].Path?.Type is { } type && type != PathMatchType.PathPrefix)
                {
                    return $"spec.rules[{ruleIndex}].matches[{matchIndex}]: a {type} path match has no prefix for the rule's path.replacePrefixMatch to replace";
                }
            }
        }
        return null;
    }

    private static bool ReplacesPrefix(List<HttpRouteFilter>? filters) =>
        filters?.Exists(f => IsPrefixReplacement(f.UrlRewrite?.Path) || IsPrefixReplacement(f.RequestRedirect?.Path)) == true;

    private static bool IsPrefixReplacement(HttpPathModifier? path) => path?.Type == "ReplacePrefixMatch";
}
