using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>GRPCRoute spec and rules: at most 8 matches per rule, method match CEL, the gRPC filter set.</summary>
internal static class GrpcRouteRules
{
    private const string ServicePattern = @"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$";
    private const string MethodPattern = "^[A-Za-z_][A-Za-z_0-9]*$";
    private static readonly Regex Service = Re2.Compile(ServicePattern);
    private static readonly Regex Method = Re2.Compile(MethodPattern);

    public static void Spec(Cursor spec)
    {
        CommonRouteRules.Spec(spec);
        var rules = spec.Field("rules");
        if (rules.ReadList(16) is null)
        {
            return;
        }
        foreach (var rule in rules.Items())
        {
            if (rule.ReadObject() is null)
            {
                continue;
            }
            rule.Field("name").ReadString(Formats.SectionName);
            var matches = rule.Field("matches");
            if (matches.ReadList(8) is not null)
            {
                foreach (var match in matches.Items())
                {
                    if (match.ReadObject() is not null)
                    {
                        MethodMatch(match.Field("method"));
                        HttpMatchRules.Headers(match.Field("headers"), Formats.HeaderValue);
                    }
                }
            }
            FilterRules.List(rule.Field("filters"), FilterDialect.Grpc);
            BackendRefRules.List(rule.Field("backendRefs"), FilterDialect.Grpc);
            SessionPersistenceRules.Validate(rule.Field("sessionPersistence"));
        }
        // GRPCRoute matches have no default: a rule without matches adds nothing to the total.
        CommonRouteRules.RuleList(rules, matchesWhenUnset: 0);
    }

    private static void MethodMatch(Cursor method)
    {
        var obj = method.ReadObject();
        if (obj is null)
        {
            return;
        }
        method.Field("type").ReadEnum(HttpMatchRules.ValueMatchTypes);
        method.Field("service").ReadString(Formats.GrpcServiceOrMethod);
        method.Field("method").ReadString(Formats.GrpcServiceOrMethod);

        // type defaults to Exact, so one of service and method is always required; only Exact values have a syntax.
        bool Exact() => (Json.Text(obj["type"]) ?? "Exact") == "Exact";
        method.Rule("One or both of 'service' or 'method' must be specified",
            () => obj["service"] is not null || obj["method"] is not null);
        method.Rule($"service must only contain valid characters (matching {ServicePattern})",
            () => !Exact() || Json.Text(obj["service"]) is not { } service || Service.IsMatch(service));
        method.Rule($"method must only contain valid characters (matching {MethodPattern})",
            () => !Exact() || Json.Text(obj["method"]) is not { } name || Method.IsMatch(name));
    }
}
