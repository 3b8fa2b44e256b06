using Mesh.Grains.Validation;
using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>HTTPRoute filters: discriminator agreement, per-list repeats, header modifiers, redirect and rewrite.</summary>
public class FilterTests
{
    private const string Rule0 = "spec.rules[0]";
    private const string Redirect = "spec.rules[1].filters[0].requestRedirect";

    // Each filter type, its member, and a valid value of that member.
    private static readonly (string Type, string Member, string Value)[] Kinds =
    [
        ("RequestHeaderModifier", "requestHeaderModifier", "{}"),
        ("ResponseHeaderModifier", "responseHeaderModifier", "{}"),
        ("RequestMirror", "requestMirror", """{"backendRef": {"name": "m", "port": 80}}"""),
        ("RequestRedirect", "requestRedirect", "{}"),
        ("URLRewrite", "urlRewrite", "{}"),
        ("CORS", "cors", "{}"),
        ("ExternalAuth", "externalAuth", """{"protocol": "GRPC", "backendRef": {"name": "a", "port": 1}, "grpc": {}}"""),
        ("ExtensionRef", "extensionRef", """{"group": "", "kind": "K", "name": "n"}"""),
    ];

    public static TheoryData<string, string> Types
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (type, member, _) in Kinds)
            {
                data.Add(type, member);
            }
            return data;
        }
    }

    public static TheoryData<string, string, string> Members
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (type, member, value) in Kinds)
            {
                data.Add(type, member, value);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Each_filter_type_needs_its_member(string type, string member) =>
        AssertHas(Validate("HTTPRoute", "spec.rules[2].filters[0]", $$"""{"type": "{{type}}"}"""),
            "spec.rules[2].filters[0]", "FieldValueInvalid", $"filter.{member} must be specified for {type} filter.type");

    [Theory]
    [MemberData(nameof(Members))]
    public void Each_member_needs_its_filter_type(string type, string member, string value)
    {
        var other = type == "CORS" ? """{"type": "URLRewrite", "urlRewrite": {}}""" : """{"type": "CORS", "cors": {}}""";
        var filter = Parse(other).With(member, value);
        AssertHas(Validate("HTTPRoute", "spec.rules[2].filters[0]", filter.ToJsonString()),
            "spec.rules[2].filters[0]", "FieldValueInvalid", $"filter.{member} must be nil if the filter.type is not {type}");
    }

    [Theory]
    [InlineData(Rule0 + ".filters[3]", """{"type": "RequestHeaderModifier", "requestHeaderModifier": {"remove": ["x"]}}""", Rule0 + ".filters", "RequestHeaderModifier filter cannot be repeated")]
    [InlineData(Rule0 + ".filters[3]", """{"type": "URLRewrite", "urlRewrite": {"hostname": "b"}}""", Rule0 + ".filters", "URLRewrite filter cannot be repeated")]
    [InlineData("spec.rules[1].filters[1]", """{"type": "RequestRedirect", "requestRedirect": {"port": 80}}""", "spec.rules[1].filters", "RequestRedirect filter cannot be repeated")]
    [InlineData("spec.rules[2].filters[3]", """{"type": "CORS", "cors": {"maxAge": 1}}""", "spec.rules[2].filters", "CORS filter cannot be repeated")]
    [InlineData("spec.rules[1].filters[1]", """{"type": "URLRewrite", "urlRewrite": {"hostname": "b"}}""", "spec.rules[1].filters", "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both")]
    [InlineData(Rule0 + ".backendRefs[1].filters[1]", """{"type": "ResponseHeaderModifier", "responseHeaderModifier": {"remove": ["x"]}}""", Rule0 + ".backendRefs[1].filters", "ResponseHeaderModifier filter cannot be repeated")]
    public void Some_filters_cannot_be_repeated_in_a_list(string path, string filter, string field, string message) =>
        AssertHas(Validate("HTTPRoute", path, filter), field, "FieldValueInvalid", message);

    [Theory]
    [InlineData(Rule0 + ".filters[3]", """{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "b", "port": 1}}}""")]
    [InlineData("spec.rules[2].filters[3]", """{"type": "ExtensionRef", "extensionRef": {"group": "", "kind": "K", "name": "g"}}""")]
    [InlineData("spec.rules[2].filters[3]", """{"type": "ExternalAuth", "externalAuth": {"protocol": "GRPC", "backendRef": {"name": "a", "port": 1}, "grpc": {}}}""")]
    public void Mirror_extension_and_external_auth_filters_may_repeat(string path, string filter) =>
        AssertValid(Validate("HTTPRoute", path, filter));

    [Theory]
    [InlineData("spec.rules[2].filters[0].type", null, "spec.rules[2].filters[0].type", "FieldValueRequired", "Required value")]
    [InlineData("spec.rules[2].filters[0].type", "'Rewrite'", "spec.rules[2].filters[0].type", "FieldValueNotSupported", "supported values: \"RequestHeaderModifier\", \"ResponseHeaderModifier\", \"RequestMirror\", \"RequestRedirect\", \"URLRewrite\", \"CORS\", \"ExternalAuth\", \"ExtensionRef\"")]
    // header modifiers: set and add are maps keyed by the exact name, remove is a set
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.set[1]", """{"name": "x-a", "value": "2"}""", Rule0 + ".filters[0].requestHeaderModifier.set[1]", "FieldValueDuplicate", "Duplicate value: {\"name\":\"x-a\"}")]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.add[1]", """{"name": "x-b", "value": "3"}""", Rule0 + ".filters[0].requestHeaderModifier.add[1]", "FieldValueDuplicate", "Duplicate value")]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.remove[1]", "'x-c'", Rule0 + ".filters[0].requestHeaderModifier.remove[1]", "FieldValueDuplicate", "Duplicate value: \"x-c\"")]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.set[0].name", "'x:a'", Rule0 + ".filters[0].requestHeaderModifier.set[0].name", "FieldValueInvalid", "should match")]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.set[0].value", null, Rule0 + ".filters[0].requestHeaderModifier.set[0].value", "FieldValueRequired", "Required value")]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.add[0].value", "''", Rule0 + ".filters[0].requestHeaderModifier.add[0].value", "FieldValueInvalid", "should be at least 1 chars long")]
    // redirect
    [InlineData(Redirect + ".scheme", "'ftp'", Redirect + ".scheme", "FieldValueNotSupported", "supported values: \"http\", \"https\"")]
    [InlineData(Redirect + ".statusCode", "304", Redirect + ".statusCode", "FieldValueNotSupported", "Unsupported value: 304: supported values: \"301\", \"302\", \"303\", \"307\", \"308\"")]
    [InlineData(Redirect + ".port", "0", Redirect + ".port", "FieldValueInvalid", "should be greater than or equal to 1")]
    [InlineData(Redirect + ".path.type", null, Redirect + ".path.type", "FieldValueRequired", "Required value")]
    [InlineData(Redirect + ".path.type", "'ReplacePath'", Redirect + ".path.type", "FieldValueNotSupported", "supported values: \"ReplaceFullPath\", \"ReplacePrefixMatch\"")]
    [InlineData(Redirect + ".path", """{"type": "ReplaceFullPath"}""", Redirect + ".path", "FieldValueInvalid", "replaceFullPath must be specified when type is set to 'ReplaceFullPath'")]
    [InlineData(Redirect + ".path", """{"type": "ReplaceFullPath", "replaceFullPath": "/a", "replacePrefixMatch": "/b"}""", Redirect + ".path", "FieldValueInvalid", "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set")]
    [InlineData(Rule0 + ".filters[1].urlRewrite.path", """{"type": "ReplacePrefixMatch"}""", Rule0 + ".filters[1].urlRewrite.path", "FieldValueInvalid", "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'")]
    [InlineData(Rule0 + ".filters[1].urlRewrite.path", """{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/a", "replaceFullPath": "/b"}""", Rule0 + ".filters[1].urlRewrite.path", "FieldValueInvalid", "type must be 'ReplaceFullPath' when replaceFullPath is set")]
    [InlineData(Rule0 + ".filters[1].urlRewrite.hostname", "'Echo'", Rule0 + ".filters[1].urlRewrite.hostname", "FieldValueInvalid", "should match")]
    // extensionRef: group, kind and name are required
    [InlineData("spec.rules[2].filters[2].extensionRef.group", null, "spec.rules[2].filters[2].extensionRef.group", "FieldValueRequired", "Required value")]
    [InlineData("spec.rules[2].filters[2].extensionRef.kind", null, "spec.rules[2].filters[2].extensionRef.kind", "FieldValueRequired", "Required value")]
    [InlineData("spec.rules[2].filters[2].extensionRef.name", null, "spec.rules[2].filters[2].extensionRef.name", "FieldValueRequired", "Required value")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData(Redirect + ".statusCode", "302")]
    [InlineData(Redirect + ".statusCode", "303")]
    [InlineData(Redirect + ".statusCode", "307")]
    [InlineData(Redirect + ".statusCode", "308")]
    [InlineData(Redirect + ".path", null)]
    [InlineData(Rule0 + ".filters[0].requestHeaderModifier.set[1]", """{"name": "X-A", "value": "2"}""")] // names compare case-sensitively
    [InlineData("spec.rules[2].filters[2].extensionRef.group", "''")]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    public static TheoryData<string, string, int> Limits => new()
    {
        { Rule0 + ".filters", """{"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "m-{0}", "port": 80}}}""", 16 },
        { Rule0 + ".backendRefs[1].filters", """{"type": "ExtensionRef", "extensionRef": {"group": "", "kind": "K", "name": "e-{0}"}}""", 16 },
        { Rule0 + ".filters[0].requestHeaderModifier.set", """{"name": "h-{0}", "value": "v"}""", 16 },
        { Rule0 + ".filters[0].requestHeaderModifier.add", """{"name": "h-{0}", "value": "v"}""", 16 },
        { Rule0 + ".filters[0].requestHeaderModifier.remove", "\"h-{0}\"", 16 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Lists_have_item_limits(string path, string item, int max) => AssertItemLimit("HTTPRoute", path, item, max);

    [Fact]
    public void Replacement_paths_may_have_1024_characters()
    {
        AssertValid(Validate("HTTPRoute", Redirect + ".path.replaceFullPath", Text(1024, "/")));
        AssertHas(Validate("HTTPRoute", Redirect + ".path.replaceFullPath", Text(1025, "/")),
            Redirect + ".path.replaceFullPath", "FieldValueTooLong", "may not be longer than 1024");
    }
}
