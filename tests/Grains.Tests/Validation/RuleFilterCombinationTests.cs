using Mesh.Grains.Validation;
using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>The rule-level CEL: redirects exclude backendRefs; ReplacePrefixMatch needs exactly one PathPrefix match.</summary>
public class RuleFilterCombinationTests
{
    private const string RedirectFilter = """{"type": "RequestRedirect", "requestRedirect": {"statusCode": 302}}""";
    private const string PrefixRedirect = """{"type": "RequestRedirect", "requestRedirect": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/n"}}}""";
    private const string PrefixRewrite = """{"type": "URLRewrite", "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/n"}}}""";
    private const string TwoMatches = """[{"path": {"value": "/a"}}, {"path": {"value": "/b"}}]""";

    private static IReadOnlyList<FieldError> Route(params (string Path, string? Value)[] edits)
    {
        var route = Parse(Baselines.HttpRoute);
        foreach (var (path, value) in edits)
        {
            route.With(path, value);
        }
        return GatewayApiValidation.Validate("HTTPRoute", route);
    }

    [Fact]
    public void A_redirect_cannot_have_backends() =>
        AssertHas(Route(("spec.rules[2].filters[3]", RedirectFilter)), "spec.rules[2]", "FieldValueInvalid",
            "RequestRedirect filter must not be used together with backendRefs");

    [Fact]
    public void A_redirect_may_have_an_empty_backend_list() =>
        AssertValid(Route(("spec.rules[1].backendRefs", "[]")));

    [Theory]
    [InlineData("spec.rules[0].matches", TwoMatches)]
    [InlineData("spec.rules[0].matches", "[]")]
    [InlineData("spec.rules[0].matches[0].path.type", "'Exact'")]
    [InlineData("spec.rules[0].matches[0].path", """{"type": "RegularExpression", "value": "/a.*"}""")]
    public void A_prefix_rewrite_needs_exactly_one_PathPrefix_match(string path, string value) =>
        AssertHas(Route((path, value)), "spec.rules[0]", "FieldValueInvalid",
            "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");

    [Theory]
    [InlineData("spec.rules[0].matches", null)] // the default match is PathPrefix "/"
    [InlineData("spec.rules[0].matches", """[{"headers": [{"name": "a", "value": "b"}]}]""")] // so is a match without a path
    [InlineData("spec.rules[0].matches[0].path", """{"value": "/x"}""")] // and a path without a type
    public void Defaults_count_as_a_single_PathPrefix_match(string path, string? value) => AssertValid(Route((path, value)));

    [Fact]
    public void A_prefix_redirect_needs_exactly_one_PathPrefix_match() =>
        AssertHas(Route(("spec.rules[1].filters[0]", PrefixRedirect)), "spec.rules[1]", "FieldValueInvalid",
            "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");

    [Fact]
    public void A_backend_prefix_rewrite_needs_exactly_one_PathPrefix_match()
    {
        var errors = Route(("spec.rules[2].matches", TwoMatches), ("spec.rules[2].backendRefs[0].filters", $"[{PrefixRewrite}]"));
        AssertHas(errors, "spec.rules[2]", "FieldValueInvalid",
            "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
    }

    [Fact]
    public void A_backend_prefix_redirect_needs_exactly_one_PathPrefix_match()
    {
        var errors = Route(("spec.rules[2].matches", TwoMatches), ("spec.rules[2].backendRefs[0].filters", $"[{PrefixRedirect}]"));
        AssertHas(errors, "spec.rules[2]", "FieldValueInvalid",
            "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
    }

    [Fact]
    public void A_full_path_rewrite_goes_with_any_matches() =>
        AssertValid(Route(("spec.rules[2].matches", TwoMatches),
            ("spec.rules[2].backendRefs[0].filters", """[{"type": "URLRewrite", "urlRewrite": {"path": {"type": "ReplaceFullPath", "replaceFullPath": "/n"}}}]""")));
}
