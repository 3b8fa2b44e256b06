namespace Mesh.Grains.Validation;

/// <summary>What HTTPRoute and GRPCRoute share: CommonRouteSpec, hostnames, and the rules-list CEL.</summary>
internal static class CommonRouteRules
{
    private static readonly string[] DefaultScopes = ["All", "None"];

    public static void Spec(Cursor spec)
    {
        ParentRefRules.List(spec.Field("parentRefs"));
        spec.Field("useDefaultGateways").ReadEnum(DefaultScopes);
        var hostnames = spec.Field("hostnames");
        if (hostnames.ReadList(16) is not null)
        {
            foreach (var hostname in hostnames.Items())
            {
                hostname.ReadString(Formats.Hostname);
            }
        }
    }

    /// <summary>
    /// The CEL on spec.rules. The match total adds up the first 16 rules (the CEL is unrolled over 16 indexes);
    /// a rule without matches counts <paramref name="matchesWhenUnset"/>: 1 for HTTPRoute, whose matches default
    /// to one PathPrefix "/" match, 0 for GRPCRoute, which has no default.
    /// </summary>
    public static void RuleList(Cursor rules, int matchesWhenUnset)
    {
        var items = Json.Objects(rules.Node).ToList();
        rules.Rule("While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
            () => items.Take(16).Sum(rule => rule["matches"] is System.Text.Json.Nodes.JsonArray matches ? matches.Count : matchesWhenUnset) <= 128);
        rules.Rule("Rule name must be unique within the route", () =>
        {
            var names = items.Select(rule => Json.Text(rule["name"])).OfType<string>().ToList();
            return names.Distinct(StringComparer.Ordinal).Count() == names.Count;
        });
    }
}
