using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>The shared string types and number ranges, each tried where an HTTPRoute uses it.</summary>
public class ScalarFormatTests
{
    private const string Parent = "spec.parentRefs[0]";
    private const string Header = "spec.rules[0].matches[0].headers[0]";

    [Theory]
    // Hostname: lower-case RFC 1123, optional leading "*." label
    [InlineData("spec.hostnames[0]", "'Echo.demo'", "spec.hostnames[0]", "FieldValueInvalid", "should match '^(\\*\\.)?[a-z0-9]")]
    [InlineData("spec.hostnames[0]", "'foo_bar.example.com'", "spec.hostnames[0]", "FieldValueInvalid", "should match")]
    [InlineData("spec.hostnames[0]", "'*.*.example.com'", "spec.hostnames[0]", "FieldValueInvalid", "should match")]
    [InlineData("spec.hostnames[0]", "''", "spec.hostnames[0]", "FieldValueInvalid", "should be at least 1 chars long")]
    // RE2's '$' is the end of the text: a trailing newline does not match
    [InlineData("spec.hostnames[0]", "'example.com\n'", "spec.hostnames[0]", "FieldValueInvalid", "should match")]
    // PreciseHostname: no wildcard
    [InlineData("spec.rules[1].filters[0].requestRedirect.hostname", "'*.example.com'", "spec.rules[1].filters[0].requestRedirect.hostname", "FieldValueInvalid", "should match")]
    // Group, Kind, Namespace, ObjectName, SectionName
    [InlineData(Parent + ".group", "'Networking.example'", Parent + ".group", "FieldValueInvalid", "should match '^$|^[a-z0-9]")]
    [InlineData(Parent + ".kind", "'1Service'", Parent + ".kind", "FieldValueInvalid", "should match '^[a-zA-Z]")]
    [InlineData(Parent + ".kind", "''", Parent + ".kind", "FieldValueInvalid", "should be at least 1 chars long")]
    [InlineData(Parent + ".namespace", "'my.ns'", Parent + ".namespace", "FieldValueInvalid", "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'")]
    [InlineData(Parent + ".name", "''", Parent + ".name", "FieldValueInvalid", "should be at least 1 chars long")]
    [InlineData(Parent + ".sectionName", "'Http'", Parent + ".sectionName", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].name", "'API'", "spec.rules[0].name", "FieldValueInvalid", "should match")]
    // HeaderName: an RFC 7230 token, so no HTTP/2 pseudo-headers
    [InlineData(Header + ".name", "':method'", Header + ".name", "FieldValueInvalid", "should match '^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$'")]
    [InlineData(Header + ".name", "'x env'", Header + ".name", "FieldValueInvalid", "should match")]
    [InlineData(Header + ".value", "''", Header + ".value", "FieldValueInvalid", "should be at least 1 chars long")]
    // Duration (GEP-2257): 1 to 4 parts of 1 to 5 digits and h/m/s/ms
    [InlineData("spec.rules[0].timeouts.request", "'1d'", "spec.rules[0].timeouts.request", "FieldValueInvalid", "should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'")]
    [InlineData("spec.rules[0].timeouts.request", "'1.5s'", "spec.rules[0].timeouts.request", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].timeouts.request", "'123456s'", "spec.rules[0].timeouts.request", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].timeouts.request", "'1h1m1s1ms1ms'", "spec.rules[0].timeouts.request", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].timeouts.request", "'10'", "spec.rules[0].timeouts.request", "FieldValueInvalid", "should match")]
    // Ports and weights
    [InlineData(Parent + ".port", "0", Parent + ".port", "FieldValueInvalid", "Invalid value: 0: should be greater than or equal to 1")]
    [InlineData(Parent + ".port", "65536", Parent + ".port", "FieldValueInvalid", "should be less than or equal to 65535")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "-1", "spec.rules[0].backendRefs[0].weight", "FieldValueInvalid", "should be greater than or equal to 0")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "1000001", "spec.rules[0].backendRefs[0].weight", "FieldValueInvalid", "should be less than or equal to 1000000")]
    // Enums
    [InlineData("spec.useDefaultGateways", "'Some'", "spec.useDefaultGateways", "FieldValueNotSupported", "Unsupported value: \"Some\": supported values: \"All\", \"None\"")]
    // JSON types
    [InlineData("spec.rules[0].backendRefs[0].weight", "'x'", "spec.rules[0].backendRefs[0].weight", "FieldValueTypeInvalid", "Invalid value: \"x\": must be of type integer")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "1.5", "spec.rules[0].backendRefs[0].weight", "FieldValueTypeInvalid", "must be of type integer")]
    [InlineData(Parent + ".name", "5", Parent + ".name", "FieldValueTypeInvalid", "must be of type string")]
    [InlineData("spec.rules", "{}", "spec.rules", "FieldValueTypeInvalid", "Invalid value: \"object\": must be of type array")]
    [InlineData("spec.rules[0]", "'x'", "spec.rules[0]", "FieldValueTypeInvalid", "must be of type object")]
    [InlineData("spec.rules[2].filters[0].cors.allowCredentials", "'yes'", "spec.rules[2].filters[0].cors.allowCredentials", "FieldValueTypeInvalid", "must be of type boolean")]
    // A null list item is not pruned like a null field: it is a value of the wrong type
    [InlineData(Parent, "null", Parent, "FieldValueTypeInvalid", "Invalid value: \"null\": must be of type object")]
    [InlineData("spec.rules[0].backendRefs[0]", "null", "spec.rules[0].backendRefs[0]", "FieldValueTypeInvalid", "must be of type object")]
    [InlineData("spec.rules[0].matches[0]", "null", "spec.rules[0].matches[0]", "FieldValueTypeInvalid", "must be of type object")]
    [InlineData("spec.hostnames[0]", "null", "spec.hostnames[0]", "FieldValueTypeInvalid", "must be of type string")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData("spec.hostnames[0]", "'*.example.com'")]
    [InlineData("spec.hostnames[0]", "'10.0.0.1'")] // the pattern does not reject all-numeric labels
    [InlineData(Parent + ".name", "'Not A DNS Name'")] // ObjectName has no pattern
    [InlineData("spec.rules[0].backendRefs[0].group", "''")]
    [InlineData(Header + ".name", "'X-Custom_Header~1'")]
    [InlineData("spec.rules[0].timeouts.request", "'1h30m'")]
    [InlineData("spec.rules[0].timeouts.request", "'1h1m1s1ms'")]
    [InlineData("spec.rules[0].timeouts.request", "'99999ms'")]
    [InlineData(Parent + ".port", "65535")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "0")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "1000000")]
    [InlineData("spec.rules[0].backendRefs[0].weight", "7.0")] // an integral number is an integer
    [InlineData("spec.useDefaultGateways", "'None'")]
    [InlineData("spec.hostnames", "null")] // null is pruned, as if absent
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    public static TheoryData<string, string, string, string> Lengths => new()
    {
        { "spec.hostnames[0]", Text(254), "FieldValueTooLong", "Too long: may not be longer than 253" },
        { Parent + ".name", Text(254), "FieldValueTooLong", "may not be longer than 253" },
        { Parent + ".kind", Text(64), "FieldValueTooLong", "may not be longer than 63" },
        { Parent + ".namespace", Text(64), "FieldValueTooLong", "may not be longer than 63" },
        { Parent + ".group", Text(254), "FieldValueTooLong", "may not be longer than 253" },
        { Header + ".name", Text(257), "FieldValueTooLong", "may not be longer than 256" },
        { Header + ".value", Text(4097), "FieldValueTooLong", "may not be longer than 4096" },
        { "spec.rules[0].matches[0].queryParams[0].value", Text(1025), "FieldValueTooLong", "may not be longer than 1024" },
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Rejects_values_one_longer_than_the_limit(string path, string value, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), path, reason, message);

    public static TheoryData<string, string> LongestValid => new()
    {
        { "spec.hostnames[0]", $"\"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.{new string('d', 61)}\"" },
        { Parent + ".name", Text(253) },
        { Parent + ".kind", Text(63, "A") },
        { Parent + ".namespace", Text(63) },
        { Header + ".name", Text(256) },
        { Header + ".value", Text(4096) },
        { "spec.rules[0].matches[0].queryParams[0].value", Text(1024) },
        // lengths count characters, not UTF-16 units
        { Header + ".value", $"\"{string.Concat(Enumerable.Repeat("😀", 4096))}\"" },
    };

    [Theory]
    [MemberData(nameof(LongestValid))]
    public void Accepts_values_at_the_limit(string path, string value) => AssertValid(Validate("HTTPRoute", path, value));
}
