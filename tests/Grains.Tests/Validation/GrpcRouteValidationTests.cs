using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>What differs for GRPCRoute: 8 matches per rule, method match rules, the gRPC filter set, no match default.</summary>
public class GrpcRouteValidationTests
{
    private const string Method = "spec.rules[0].matches[0].method";

    [Theory]
    [InlineData(Method, "{}", Method, "FieldValueInvalid", "One or both of 'service' or 'method' must be specified")]
    [InlineData(Method, """{"type": "RegularExpression"}""", Method, "FieldValueInvalid", "One or both of 'service' or 'method' must be specified")]
    [InlineData(Method + ".service", "'pkg/Echo'", Method, "FieldValueInvalid", "service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)")]
    [InlineData(Method + ".service", "'pkg..Echo'", Method, "FieldValueInvalid", "service must only contain valid characters")]
    [InlineData(Method + ".method", "'Say.Hi'", Method, "FieldValueInvalid", "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)")]
    [InlineData(Method + ".method", "'1Say'", Method, "FieldValueInvalid", "method must only contain valid characters")]
    [InlineData(Method + ".type", "'Prefix'", Method + ".type", "FieldValueNotSupported", "supported values: \"Exact\", \"RegularExpression\"")]
    [InlineData("spec.rules[0].matches[0].headers[1]", """{"name": "x-env", "value": "dev"}""", "spec.rules[0].matches[0].headers[1]", "FieldValueDuplicate", "Duplicate value")]
    [InlineData("spec.rules[0].matches[0].headers[0].name", "':path'", "spec.rules[0].matches[0].headers[0].name", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].filters[0].type", "'RequestRedirect'", "spec.rules[0].filters[0].type", "FieldValueNotSupported", "supported values: \"ResponseHeaderModifier\", \"RequestHeaderModifier\", \"RequestMirror\", \"ExtensionRef\"")]
    [InlineData("spec.rules[0].filters[0].type", "'URLRewrite'", "spec.rules[0].filters[0].type", "FieldValueNotSupported", "supported values")]
    [InlineData("spec.rules[0].filters[0].type", "'CORS'", "spec.rules[0].filters[0].type", "FieldValueNotSupported", "supported values")]
    [InlineData("spec.rules[0].filters[2]", """{"type": "RequestHeaderModifier", "requestHeaderModifier": {}}""", "spec.rules[0].filters", "FieldValueInvalid", "RequestHeaderModifier filter cannot be repeated")]
    [InlineData("spec.rules[0].backendRefs[0].filters[1]", """{"type": "ResponseHeaderModifier", "responseHeaderModifier": {}}""", "spec.rules[0].backendRefs[0].filters", "FieldValueInvalid", "ResponseHeaderModifier filter cannot be repeated")]
    [InlineData("spec.rules[0].filters[0].requestMirror", """{"backendRef": {"name": "m", "port": 1}}""", "spec.rules[0].filters[0]", "FieldValueInvalid", "filter.requestMirror must be nil if the filter.type is not RequestMirror")]
    [InlineData("spec.rules[0].filters[1].requestMirror.percent", "5", "spec.rules[0].filters[1].requestMirror", "FieldValueInvalid", "Only one of percent or fraction may be specified")]
    [InlineData("spec.rules[0].backendRefs[0].port", null, "spec.rules[0].backendRefs[0]", "FieldValueInvalid", "Must have port for Service reference")]
    [InlineData("spec.rules[1].name", "'say'", "spec.rules", "FieldValueInvalid", "Rule name must be unique within the route")]
    [InlineData("spec.rules[0].sessionPersistence.cookieConfig", "{}", "spec.rules[0].sessionPersistence", "FieldValueInvalid", "cookieConfig can only be set with type Cookie")]
    [InlineData("spec.hostnames[0]", "'Grpc.demo'", "spec.hostnames[0]", "FieldValueInvalid", "should match")]
    [InlineData("spec.parentRefs[1]", """{"group": "", "kind": "Service", "name": "grpc-echo", "port": 7070}""", "spec.parentRefs", "FieldValueInvalid", "sectionName or port must be unique")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("GRPCRoute", path, value), field, reason, message);

    [Theory]
    [InlineData(Method, """{"service": "pkg.Echo"}""")] // type defaults to Exact
    [InlineData(Method, """{"method": "Say"}""")]
    [InlineData(Method, """{"type": "RegularExpression", "service": "pkg/.*", "method": "S[a-z]+"}""")] // regexes are not checked
    [InlineData(Method + ".service", "'.Pkg_1.Echo'")] // the service pattern is case-insensitive and allows a leading dot
    [InlineData("spec.rules[0].matches", null)] // no default, nothing to check
    [InlineData("spec.rules[0].filters[2]", """{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m2", "port": 1}}}""")]
    [InlineData("spec.rules", "[]")]
    public void Accepts(string path, string? value) => AssertValid(Validate("GRPCRoute", path, value));

    [Fact]
    public void At_most_8_matches_per_rule() =>
        AssertItemLimit("GRPCRoute", "spec.rules[0].matches", """{"method": {"service": "pkg.S{0}"}}""", 8);

    [Fact]
    public void At_most_16_rules_of_8_matches() =>
        AssertItemLimit("GRPCRoute", "spec.rules", $$$"""{"matches": {{{Array(8, i => $$$"""{"method": {"method": "M{{{i}}}"}}""")}}}}""", 16);

    [Fact]
    public void Service_and_method_names_have_at_most_1024_characters()
    {
        AssertValid(Validate("GRPCRoute", Method + ".service", Text(1024)));
        AssertHas(Validate("GRPCRoute", Method + ".service", Text(1025)), Method + ".service", "FieldValueTooLong", "may not be longer than 1024");
        AssertHas(Validate("GRPCRoute", Method + ".method", Text(1025)), Method + ".method", "FieldValueTooLong", "may not be longer than 1024");
    }
}
