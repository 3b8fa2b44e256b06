using Mesh.Gateway.Filters;

namespace Mesh.Gateway.Tests;

/// <summary>allowOrigins entries as GEP-1767 defines them: default ports, a greedy-left host wildcard, case-insensitive.</summary>
public class CorsOriginTests
{
    [Theory]
    [InlineData("https://www.foo.com", "https://www.foo.com")]
    [InlineData("https://www.foo.com", "HTTPS://WWW.FOO.COM")]
    [InlineData("https://www.foo.com", "https://www.foo.com:443")]
    [InlineData("https://www.foo.com:443", "https://www.foo.com")]
    [InlineData("http://app.example", "http://app.example:80")]
    [InlineData("https://*.bar.com", "https://www.bar.com")]
    [InlineData("https://*.bar.com", "https://xpto.www.bar.com")]
    [InlineData("https://*.Bar.com", "https://a.b.c.bar.COM")]
    [InlineData("https://*", "https://anything.example")]
    [InlineData("https://*.example.com:8443", "https://a.example.com:8443")]
    [InlineData("http://127.0.0.1", "http://127.0.0.1")]
    [InlineData("https://api-*.example.com", "https://api-eu.example.com")]
    public void Matches(string pattern, string origin) => Assert.True(CorsOrigin.Parse(pattern)!.Matches(origin));

    [Theory]
    [InlineData("https://www.foo.com", "http://www.foo.com")] // Scheme differs.
    [InlineData("https://www.foo.com", "https://www.foo.com:8443")] // Port differs.
    [InlineData("http://app.example", "http://app.example:443")]
    [InlineData("https://www.foo.com", "https://foo.com")]
    [InlineData("https://www.foo.com", "https://www.foo.com.evil.example")]
    [InlineData("https://*.bar.com", "https://bar.com")] // The wildcard stands for at least one character.
    [InlineData("https://*.bar.com", "https://foobar.com")]
    [InlineData("https://*.bar.com", "https://www.bar.com.evil.example")]
    [InlineData("https://*.bar.com", "http://www.bar.com")]
    [InlineData("https://*.example.com:8443", "https://a.example.com")]
    [InlineData("https://www.foo.com", "null")] // The opaque origin of sandboxed documents.
    [InlineData("https://www.foo.com", "https://www.foo.com/")]
    [InlineData("https://www.foo.com", "https://www.foo.com:0")]
    [InlineData("https://www.foo.com", "https://www.foo.com:99999")]
    [InlineData("https://www.foo.com", "https://www.foo.com:44x")]
    [InlineData("https://*", "https://[::1")]
    public void Does_not_match(string pattern, string origin) => Assert.False(CorsOrigin.Parse(pattern)!.Matches(origin));

    [Fact]
    public void A_bracketed_IPv6_origin_keeps_its_colons_apart_from_the_port()
    {
        Assert.True(CorsOrigin.Parse("https://*")!.Matches("https://[::1]"));
        Assert.True(CorsOrigin.Parse("https://*:8443")!.Matches("https://[::1]:8443"));
        Assert.False(CorsOrigin.Parse("https://*")!.Matches("https://[::1]:8443"));
    }

    [Theory]
    [InlineData("app.example.com")]
    [InlineData("https://")]
    [InlineData("https://:80")]
    public void Text_that_is_not_an_origin_parses_to_nothing(string pattern) => Assert.Null(CorsOrigin.Parse(pattern));

    [Fact]
    public void Many_wildcards_against_a_long_host_finish_at_once()
    {
        // A backtracking glob would take exponential time here; the matcher is quadratic at worst.
        var pattern = CorsOrigin.Parse("https://" + string.Concat(Enumerable.Repeat("*a", 30)) + "b")!;
        Assert.False(pattern.Matches("https://" + new string('a', 250)));
    }
}
