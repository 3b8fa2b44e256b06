using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>HTTPRouteMatch: the path rules for Exact/PathPrefix, header and query parameter maps, method.</summary>
public class MatchTests
{
    private const string Match = "spec.rules[1].matches[0]"; // an Exact match; rules[0] has a prefix rewrite that needs its PathPrefix
    private const string Path = Match + ".path";

    [Theory]
    [InlineData("'api'", "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']")]
    [InlineData("'/a//b'", "must not contain '//' when type one of ['Exact', 'PathPrefix']")]
    [InlineData("'/a/./b'", "must not contain '/./'")]
    [InlineData("'/a/../b'", "must not contain '/../'")]
    [InlineData("'/a%2fb'", "must not contain '%2f'")]
    [InlineData("'/a%2Fb'", "must not contain '%2F'")]
    [InlineData("'/a#b'", "must not contain '#'")]
    [InlineData("'/a/..'", "must not end with '/..'")]
    [InlineData("'/a/.'", "must not end with '/.'")]
    [InlineData("'/a b'", "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']")]
    [InlineData("'/a%zz'", "must only contain valid characters")]
    [InlineData("'/a?b=1'", "must only contain valid characters")]
    [InlineData("''", "start with '/'")]
    public void Rejects_exact_path_values(string value, string message) =>
        AssertHas(Validate("HTTPRoute", Path + ".value", value), Path, "FieldValueInvalid", message);

    [Fact]
    public void The_path_type_defaults_to_PathPrefix() =>
        AssertHas(Validate("HTTPRoute", Path, """{"value": "/a//b"}"""), Path, "FieldValueInvalid", "must not contain '//'");

    [Theory]
    [InlineData("'/'")]
    [InlineData("'/a/b/'")]
    [InlineData("'/a%2Ab'")]
    [InlineData("'/~user/@x:y;z=1,2+3!$&()*'")]
    public void Accepts_path_values(string value) => AssertValid(Validate("HTTPRoute", Path + ".value", value));

    [Theory]
    [InlineData("""{"type": "RegularExpression", "value": "^/a//b(.*)?#$"}""")] // regexes are not checked
    [InlineData("{}")] // PathPrefix "/"
    [InlineData("""{"value": "/a/"}""")]
    public void Accepts_paths(string path) => AssertValid(Validate("HTTPRoute", Path, path));

    [Theory]
    [InlineData(Path + ".type", "'Prefix'", Path + ".type", "FieldValueNotSupported", "supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\"")]
    [InlineData("spec.rules[0].matches[0].headers[1]", """{"name": "x-env", "value": "b"}""", "spec.rules[0].matches[0].headers[1]", "FieldValueDuplicate", "Duplicate value: {\"name\":\"x-env\"}")]
    [InlineData("spec.rules[0].matches[0].headers[0].name", null, "spec.rules[0].matches[0].headers[0].name", "FieldValueRequired", "Required value")]
    [InlineData("spec.rules[0].matches[0].headers[0].value", null, "spec.rules[0].matches[0].headers[0].value", "FieldValueRequired", "Required value")]
    [InlineData("spec.rules[0].matches[0].headers[0].type", "'Prefix'", "spec.rules[0].matches[0].headers[0].type", "FieldValueNotSupported", "supported values: \"Exact\", \"RegularExpression\"")]
    [InlineData("spec.rules[0].matches[0].queryParams[1]", """{"name": "v", "value": "3"}""", "spec.rules[0].matches[0].queryParams[1]", "FieldValueDuplicate", "Duplicate value")]
    [InlineData("spec.rules[0].matches[0].queryParams[0].name", "'a b'", "spec.rules[0].matches[0].queryParams[0].name", "FieldValueInvalid", "should match")]
    [InlineData("spec.rules[0].matches[0].queryParams[0].type", "'Contains'", "spec.rules[0].matches[0].queryParams[0].type", "FieldValueNotSupported", "supported values")]
    [InlineData("spec.rules[0].matches[0].method", "'get'", "spec.rules[0].matches[0].method", "FieldValueNotSupported", "supported values: \"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData("spec.rules[0].matches[0].headers[1]", """{"name": "X-Env", "value": "b"}""")] // map keys compare case-sensitively
    [InlineData("spec.rules[0].matches[0].headers[0].type", "'RegularExpression'")]
    [InlineData("spec.rules[0].matches[0].method", "'PATCH'")]
    [InlineData("spec.rules[2].matches", "[]")]
    [InlineData(Match, "{}")]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    public static TheoryData<string, string, int> Limits => new()
    {
        { "spec.rules[1].matches", "{}", 64 },
        { "spec.rules[0].matches[0].headers", """{"name": "h-{0}", "value": "v"}""", 16 },
        { "spec.rules[0].matches[0].queryParams", """{"name": "q-{0}", "value": "v"}""", 16 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Lists_have_item_limits(string path, string item, int max) => AssertItemLimit("HTTPRoute", path, item, max);

    [Fact]
    public void A_path_value_may_have_1024_characters() =>
        AssertValid(Validate("HTTPRoute", Path + ".value", Text(1024, "/")));

    [Fact]
    public void A_path_value_may_not_have_1025() =>
        AssertHas(Validate("HTTPRoute", Path + ".value", Text(1025, "/")), Path + ".value", "FieldValueTooLong", "may not be longer than 1024");
}
