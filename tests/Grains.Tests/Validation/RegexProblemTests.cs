using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>RegexProblem: whether the data plane can compile a RegularExpression match (anchored, non-backtracking).</summary>
public class RegexProblemTests
{
    [Theory]
    [InlineData("/api/v[0-9]+/.*")]
    [InlineData("(foo|bar)+")]
    [InlineData("pkg\\..*")]
    [InlineData("(?i)x-env")]
    [InlineData("")]
    public void Compilable_patterns_have_no_problem(string pattern) => Assert.Null(GatewayApiValidation.RegexProblem(pattern));

    [Theory]
    [InlineData("(a)\\1")] // backreference
    [InlineData("foo(?=bar)")] // lookahead
    [InlineData("(?<!a)b")] // lookbehind
    [InlineData("(?>a+)b")] // atomic group
    [InlineData("(unclosed")]
    [InlineData("[a-")]
    [InlineData("a{2,1}")]
    [InlineData("a)|(b")] // compiles only inside the anchoring group, where it would match any text starting with "a"
    [InlineData("/api)|(.*")]
    public void Other_patterns_have_a_one_line_reason(string pattern)
    {
        var problem = GatewayApiValidation.RegexProblem(pattern);
        Assert.False(string.IsNullOrWhiteSpace(problem));
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void The_CRD_accepts_any_regex_so_Validate_does_not_report_it()
    {
        var route = Mutation.Parse(Baselines.HttpRoute).With("spec.rules[1].matches[0].path", """{"type": "RegularExpression", "value": "(a)\\1"}""");
        Mutation.AssertValid(GatewayApiValidation.Validate("HTTPRoute", route));
    }

    [Theory]
    [InlineData("/kept/[0-9]+")]
    [InlineData("(?<=kept)x")]
    public void An_answer_given_again_is_the_same(string pattern)
    {
        // Answers are remembered per pattern, "no problem" (null) as well as a reason.
        var first = GatewayApiValidation.RegexProblem(pattern);

        Assert.Equal(first, GatewayApiValidation.RegexProblem(pattern));
        Assert.Equal(first, GatewayApiValidation.RegexProblem(new string(pattern.AsSpan())));
    }
}
