using Mesh.Grains.Model;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Binding;

/// <summary>
/// Finds the first value a route's filters would write into a message that HTTP cannot carry, which the CRDs bound
/// only in length, and which would otherwise fail every request the route matched:
/// <list type="bullet">
/// <item>a header modifier's value holds visible ASCII, spaces and tabs (RFC 9110 §5.5); a line break would start a
/// header of its own;</item>
/// <item>a rewrite's or redirect's path is empty (a prefix dropped) or an absolute path of URI path characters, as a
/// path match's value must be (RFC 3986 §3.3); a space, a '?' or a relative path would make no request target.</item>
/// </list>
/// </summary>
internal static class WrittenValueCheck
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
            var filter = filters![i];
            var problem = FirstProblem(filter.RequestHeaderModifier, "requestHeaderModifier")
                ?? FirstProblem(filter.ResponseHeaderModifier, "responseHeaderModifier")
                ?? FirstProblem(filter.UrlRewrite?.Path, "urlRewrite.path")
                ?? FirstProblem(filter.RequestRedirect?.Path, "requestRedirect.path");
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
            if (GatewayApiValidation.FirstNotInFieldValue(value) is var bad and >= 0)
            {
                return $"{field}[{i}].value: a header value may hold only visible ASCII, spaces and tabs, not U+{(int)value[bad]:X4}";
            }
        }
        return null;
    }

    private static string? FirstProblem(HttpPathModifier? modifier, string field)
    {
        var (name, value) = modifier?.Type switch
        {
            "ReplaceFullPath" => ("replaceFullPath", modifier.ReplaceFullPath),
            "ReplacePrefixMatch" => ("replacePrefixMatch", modifier.ReplacePrefixMatch),
            _ => ("", null),
        };
        return string.IsNullOrEmpty(value) || (value[0] == '/' && Formats.PathCharactersRegex.IsMatch(value))
            ? null
            : $"{field}.{name}: \"{value}\" is not an absolute path of URI path characters (matching {Formats.PathCharacters})";
    }
}
