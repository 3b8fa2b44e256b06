using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>
/// Finds the first header value a route's modifiers would write that HTTP cannot carry. The CRDs bound only its
/// length; a field value holds visible ASCII, spaces and tabs (RFC 9110 §5.5; the proxy writes nothing else), so a
/// line break, another control or a non-ASCII character would fail every request the route matched.
/// </summary>
internal static class HeaderValueCheck
{
    public static string? FirstProblem(RouteSource route)
    {
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            var rule = route.Rules[ruleIndex];
            if (FirstProblem(rule.Filters) is { } problem)
            {
                return $"spec.rules[{ruleIndex}].filters{problem}";
            }
            for (var backendIndex = 0; backendIndex < (rule.BackendRefs?.Count ?? 0); backendIndex++)
            {
                if (FirstProblem(rule.BackendRefs![backendIndex].Filters) is { } backendProblem)
                {
                    return $"spec.rules[{ruleIndex}].backendRefs[{backendIndex}].filters{backendProblem}";
                }
            }
        }
        return null;
    }

    /// <summary>The rest of the problem's path, from the filter's index on, with what is wrong.</summary>
    private static string? FirstProblem(List<HttpRouteFilter>? filters)
    {
        for (var i = 0; i < (filters?.Count ?? 0); i++)
        {
            var problem = FirstProblem(filters![i].RequestHeaderModifier, "requestHeaderModifier")
                ?? FirstProblem(filters[i].ResponseHeaderModifier, "responseHeaderModifier");
            if (problem is not null)
            {
                return $"[{i}].{problem}";
            }
        }
        return null;
    }

    private static string? FirstProblem(HttpHeaderFilter? modifier, string field) =>
        modifier is null ? null : FirstProblem(modifier.Set, $"{field}.set") ?? FirstProblem(modifier.Add, $"{field}.add");

    private static string? FirstProblem(List<HttpHeader>? headers, string field)
    {
        for (var i = 0; i < (headers?.Count ?? 0); i++)
        {
            var value = headers![i].Value;
            foreach (var c in value)
            {
                if (c is (< ' ' and not '\t') or > '~')
                {
                    return $"{field}[{i}].value: a header value may hold only visible ASCII, spaces and tabs, not U+{(int)c:X4}";
                }
            }
        }
        return null;
    }
}
