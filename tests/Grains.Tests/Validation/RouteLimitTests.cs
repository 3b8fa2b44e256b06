using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>Route-wide limits: rules, the match total, rule names, and the object's name.</summary>
public class RouteLimitTests
{
    private const string Total = "the total number of matches across all rules in a route must be less than 128";

    private static string Rules(int rules, Func<int, int?> matches) => Array(rules, r => matches(r) is { } count
        ? $$"""{"name": "r{{r}}", "matches": {{Array(count, _ => "{}")}}}"""
        : $$"""{"name": "r{{r}}"}""");

    [Fact]
    public void At_most_16_rules()
    {
        AssertValid(Validate("HTTPRoute", "spec.rules", Rules(16, _ => 1)));
        AssertHas(Validate("HTTPRoute", "spec.rules", Rules(17, _ => 1)), "spec.rules", "FieldValueTooMany", "must have at most 16 items");
    }

    [Fact]
    public void At_most_16_hostnames()
    {
        string Hostnames(int count) => Array(count, i => $"\"h{i}.example.com\"");
        AssertValid(Validate("HTTPRoute", "spec.hostnames", Hostnames(16)));
        AssertHas(Validate("HTTPRoute", "spec.hostnames", Hostnames(17)), "spec.hostnames", "FieldValueTooMany", "must have at most 16 items");
    }

    [Fact]
    public void At_most_128_matches_in_all()
    {
        AssertValid(Validate("HTTPRoute", "spec.rules", Rules(2, _ => 64)));
        AssertHas(Validate("HTTPRoute", "spec.rules", Rules(3, r => r < 2 ? 64 : 1)), "spec.rules", "FieldValueInvalid", Total);
    }

    [Fact]
    public void A_rule_without_matches_counts_its_default_match() =>
        AssertHas(Validate("HTTPRoute", "spec.rules", Rules(3, r => r < 2 ? 64 : null)), "spec.rules", "FieldValueInvalid", Total);

    [Fact]
    public void An_empty_match_list_counts_nothing() =>
        AssertValid(Validate("HTTPRoute", "spec.rules", Rules(3, r => r < 2 ? 64 : 0)));

    [Theory]
    [InlineData("spec.rules[1].name", "'api'", "spec.rules", "FieldValueInvalid", "Rule name must be unique within the route")]
    [InlineData("metadata.name", "'Echo_Route'", "metadata.name", "FieldValueInvalid", "a lowercase RFC 1123 subdomain must consist of")]
    [InlineData("metadata.name", null, "metadata.name", "FieldValueRequired", "name or generateName is required")]
    [InlineData("metadata.name", "''", "metadata.name", "FieldValueRequired", "name or generateName is required")]
    [InlineData("metadata.namespace", "'Demo'", "metadata.namespace", "FieldValueInvalid", "a lowercase RFC 1123 label")]
    [InlineData("metadata", "5", "metadata", "FieldValueTypeInvalid", "must be of type object")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData("spec.rules", "[]")] // v1.4 has no minItems on rules
    [InlineData("spec.rules", null)] // the default rule
    [InlineData("spec.rules[2].name", "'other'")]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    [Fact]
    public void A_generated_name_needs_no_name()
    {
        var route = Parse(Baselines.HttpRoute).With("metadata.name", null).With("metadata.generateName", "'echo-'");
        AssertValid(Mesh.Grains.Validation.GatewayApiValidation.Validate("HTTPRoute", route));
    }

    [Fact]
    public void The_name_is_a_DNS_subdomain_of_at_most_253_characters()
    {
        var longest = $"\"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.{new string('d', 61)}\"";
        AssertValid(Validate("HTTPRoute", "metadata.name", longest));
        AssertHas(Validate("HTTPRoute", "metadata.name", longest.Replace("\"a", "\"aa", StringComparison.Ordinal)),
            "metadata.name", "FieldValueInvalid", "must be no more than 253 characters");
    }
}
