using Mesh.Gateway.Tables;

namespace Mesh.Gateway.Tests;

public class CompiledPatternsTests
{
    [Fact]
    public void A_pattern_is_built_once_and_shared()
    {
        var first = CompiledPatterns.FullMatch("/shared/[0-9]+");

        Assert.Same(first, CompiledPatterns.FullMatch(new string("/shared/[0-9]+".AsSpan())));
        Assert.NotSame(first, CompiledPatterns.FullMatch("/shared/[0-9]*"));
    }

    [Theory]
    [InlineData("/v[0-9]+", "/v12", true)]
    [InlineData("/v[0-9]+", "/v12/more", false)] // The whole path, not a part of it.
    [InlineData("a|b", "ab", false)] // Alternatives anchored together.
    [InlineData("a|b", "b", true)]
    public void A_pattern_matches_the_whole_input(string pattern, string input, bool matches) =>
        Assert.Equal(matches, CompiledPatterns.FullMatch(pattern).IsMatch(input));
}
