using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>HTTPRoute spec and rules, with the rule-level CEL on redirects and prefix replacement.</summary>
internal static class HttpRouteRules
{
    public static void Spec(Cursor spec)
    {
        CommonRouteRules.Spec(spec);
        var rules = spec.Field("rules");
        if (rules.ReadList(16) is null)
        {
            return; // the default, one rule matching PathPrefix "/", is valid
        }
        foreach (var rule in rules.Items())
        {
            Rule(rule);
        }
        CommonRouteRules.RuleList(rules, matchesWhenUnset: 1);
    }

    private static void Rule(Cursor rule)
    {
        var obj = rule.ReadObject();
        if (obj is null)
        {
            return;
        }
        rule.Field("name").ReadString(Formats.SectionName);
        HttpMatchRules.List(rule.Field("matches"));
        FilterRules.List(rule.Field("filters"), FilterDialect.Http);
        BackendRefRules.List(rule.Field("backendRefs"), FilterDialect.Http);
        TimeoutRetryRules.Timeouts(rule.Field("timeouts"));
        TimeoutRetryRules.Retry(rule.Field("retry"));
        SessionPersistenceRules.Validate(rule.Field("sessionPersistence"));

        var filters = Json.Objects(obj["filters"]).ToList();
        var backendRefs = Json.Objects(obj["backendRefs"]).ToList();
        rule.Rule("RequestRedirect filter must not be used together with backendRefs",
            () => backendRefs.Count == 0 || filters.TrueForAll(f => f["requestRedirect"] is null));

        // exists_one in the CRD: exactly one such filter triggers the check (two are rejected as repeats anyway).
        bool ReplacesPrefix(IEnumerable<JsonObject> list, string member) =>
            Json.ExactlyOne(list, f => f[member] is JsonObject filter && filter["path"] is JsonObject path &&
                Json.Text(path["type"]) == "ReplacePrefixMatch" && path["replacePrefixMatch"] is not null);
        bool BackendReplacesPrefix(string member) =>
            Json.ExactlyOne(backendRefs, b => ReplacesPrefix(Json.Objects(b["filters"]), member));

        rule.Rule("When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            () => !ReplacesPrefix(filters, "requestRedirect") || SinglePathPrefixMatch(obj));
        rule.Rule("When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            () => !ReplacesPrefix(filters, "urlRewrite") || SinglePathPrefixMatch(obj));
        rule.Rule("Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            () => !BackendReplacesPrefix("requestRedirect") || SinglePathPrefixMatch(obj));
        rule.Rule("Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            () => !BackendReplacesPrefix("urlRewrite") || SinglePathPrefixMatch(obj));
    }

    // With the defaults applied: unset matches are one PathPrefix "/" match, an unset path or type is PathPrefix.
    private static bool SinglePathPrefixMatch(JsonObject rule)
    {
        if (rule["matches"] is not JsonArray matches)
        {
            return true;
        }
        var path = matches.Count == 1 && matches[0] is JsonObject match ? match["path"] as JsonObject : null;
        return matches.Count == 1 && (Json.Text(path?["type"]) ?? "PathPrefix") == "PathPrefix";
    }
}
