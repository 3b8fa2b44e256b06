using Mesh.Gateway.Routing;
using Mesh.Gateway.Tables;
using Mesh.Grains.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Tests;

public class RequestMatcherTests
{
    private static RequestView Request(string path, string method = "GET", Dictionary<string, StringValues>? headers = null, string query = "")
    {
        var dictionary = new HeaderDictionary(); // Case-insensitive, as Kestrel's request headers are.
        foreach (var (name, value) in headers ?? [])
        {
            dictionary[name] = value;
        }
        return new RequestView(method, path, dictionary, query);
    }

    private static RequestMatcher Path(string type, string value) => new(new HttpRouteMatch { Path = new HttpPathMatch { Type = type, Value = value } });

    [Theory]
    [InlineData("/foo", "/foo", true)]
    [InlineData("/foo", "/foo/", true)]
    [InlineData("/foo", "/foo/bar", true)]
    [InlineData("/foo", "/foobar", false)]
    [InlineData("/foo/", "/foo", true)]
    [InlineData("/foo/", "/foo/bar", true)]
    [InlineData("/foo/", "/foobar", false)]
    [InlineData("/", "/anything", true)]
    [InlineData("/Foo", "/foo", false)]
    public void PathPrefix_matches_whole_segments_case_sensitively(string prefix, string path, bool matches) =>
        Assert.Equal(matches, Path(PathMatchType.PathPrefix, prefix).Matches(Request(path)));

    [Theory]
    [InlineData("/foo", "/foo", true)]
    [InlineData("/foo", "/foo/", false)]
    [InlineData("/foo", "/FOO", false)]
    public void Exact_matches_the_whole_path(string exact, string path, bool matches) =>
        Assert.Equal(matches, Path(PathMatchType.Exact, exact).Matches(Request(path)));

    [Theory]
    [InlineData("/v[0-9]+/items", "/v12/items", true)]
    [InlineData("/v[0-9]+/items", "/v12/items/extra", false)]
    [InlineData("/v[0-9]+", "/prefix/v1", false)]
    public void RegularExpression_must_match_the_whole_path(string pattern, string path, bool matches) =>
        Assert.Equal(matches, Path(PathMatchType.RegularExpression, pattern).Matches(Request(path)));

    [Fact]
    public void Header_names_are_case_insensitive_values_exact()
    {
        var matcher = new RequestMatcher(new HttpRouteMatch { Headers = [new HttpHeaderMatch { Name = "X-Version", Value = "v2" }] });

        Assert.True(matcher.Matches(Request("/", headers: new() { ["x-version"] = "v2" })));
        Assert.False(matcher.Matches(Request("/", headers: new() { ["x-version"] = "V2" })));
        Assert.False(matcher.Matches(Request("/")));
    }

    [Fact]
    public void Header_regular_expressions_match_whole_values()
    {
        var matcher = new RequestMatcher(new HttpRouteMatch { Headers = [new HttpHeaderMatch { Name = "x", Type = "RegularExpression", Value = "v[12]" }] });

        Assert.True(matcher.Matches(Request("/", headers: new() { ["x"] = "v1" })));
        Assert.False(matcher.Matches(Request("/", headers: new() { ["x"] = "v12" })));
    }

    [Fact]
    public void Only_the_first_value_of_a_repeated_query_parameter_counts()
    {
        var matcher = new RequestMatcher(new HttpRouteMatch { QueryParams = [new HttpQueryParamMatch { Name = "animal", Value = "whale" }] });

        Assert.True(matcher.Matches(Request("/", query: "?animal=whale&animal=dolphin")));
        Assert.False(matcher.Matches(Request("/", query: "?animal=dolphin&animal=whale")));
        Assert.False(matcher.Matches(Request("/", query: "?Animal=whale")));
        Assert.True(matcher.Matches(Request("/", query: "?a=1&animal=wh%61le")));
    }

    [Fact]
    public void Method_and_every_other_condition_must_hold()
    {
        var matcher = new RequestMatcher(new HttpRouteMatch
        {
            Method = "POST",
            Path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = "/api" },
            Headers = [new HttpHeaderMatch { Name = "x", Value = "1" }],
        });

        Assert.True(matcher.Matches(Request("/api/a", "POST", new() { ["x"] = "1" })));
        Assert.False(matcher.Matches(Request("/api/a", "GET", new() { ["x"] = "1" })));
        Assert.False(matcher.Matches(Request("/web", "POST", new() { ["x"] = "1" })));
        Assert.False(matcher.Matches(Request("/api/a", "POST")));
    }
}
