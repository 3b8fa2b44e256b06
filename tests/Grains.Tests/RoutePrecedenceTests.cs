using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using static Mesh.Grains.Tests.Objects;

namespace Mesh.Grains.Tests;

public class RoutePrecedenceTests
{
    private static MatchCandidate Candidate(HttpRouteMatch match, string name = "r", int age = 0, int rule = 0, int index = 0, string ns = "ns") =>
        new(Route(ns, name, age, ServiceParent("svc")).Metadata, rule, index, MatchDefaults.Normalize(match));

    public static TheoryData<string, HttpRouteMatch, HttpRouteMatch> HigherFirst => new()
    {
        { "exact beats a longer prefix", Exact("/a"), Prefix("/a/b/c/d") },
        { "exact beats regex", Exact("/a"), new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.RegularExpression, Value = "/a.*" } } },
        { "regex beats prefix", new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.RegularExpression, Value = "/a.*" } }, Prefix("/abcdef") },
        { "longer prefix wins", Prefix("/a/b"), Prefix("/a") },
        { "method breaks a path tie", Prefix("/a") with { Method = "GET" }, Prefix("/a") },
        { "more headers win", Prefix("/a") with { Headers = [new() { Name = "x", Value = "1" }, new() { Name = "y", Value = "2" }] }, Prefix("/a") with { Headers = [new() { Name = "x", Value = "1" }] } },
        { "method ranks above headers", Prefix("/a") with { Method = "GET" }, Prefix("/a") with { Headers = [new() { Name = "x", Value = "1" }] } },
        { "more query params win", Prefix("/a") with { QueryParams = [new() { Name = "q", Value = "1" }] }, Prefix("/a") },
        { "headers rank above query params", Prefix("/a") with { Headers = [new() { Name = "x", Value = "1" }] }, Prefix("/a") with { QueryParams = [new() { Name = "q", Value = "1" }, new() { Name = "r", Value = "2" }] } },
        { "an explicit prefix beats the default match-all", Prefix("/x"), new HttpRouteMatch() },
    };

    [Theory]
    [MemberData(nameof(HigherFirst))]
    public void Orders_matches_by_the_Gateway_API_precedence(string because, HttpRouteMatch higher, HttpRouteMatch lower)
    {
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(higher), Candidate(lower)) < 0, because);
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(lower), Candidate(higher)) > 0, because);
    }

    [Fact]
    public void A_header_name_repeated_in_another_case_counts_once_and_only_its_first_entry_is_kept()
    {
        var repeated = Prefix("/a") with { Headers = [new() { Name = "X-Env", Value = "a" }, new() { Name = "x-env", Value = "b" }] };
        var two = Prefix("/a") with { Headers = [new() { Name = "x", Value = "1" }, new() { Name = "y", Value = "2" }] };

        Assert.True(RoutePrecedence.Instance.Compare(Candidate(two, rule: 1), Candidate(repeated, rule: 0)) < 0);
        var kept = Assert.Single(MatchDefaults.Normalize(repeated).Headers!);
        Assert.Equal(("X-Env", "a"), (kept.Name, kept.Value));
    }

    [Fact]
    public void Ties_go_to_the_oldest_route()
    {
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(Prefix("/a"), "zzz", age: 1), Candidate(Prefix("/a"), "aaa", age: 2)) < 0);
    }

    [Fact]
    public void Ties_of_age_go_to_namespace_slash_name_alphabetically()
    {
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(Prefix("/a"), "b", ns: "a"), Candidate(Prefix("/a"), "a", ns: "b")) < 0);
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(Prefix("/a"), "a"), Candidate(Prefix("/a"), "b")) < 0);
    }

    [Fact]
    public void Within_a_route_rule_order_then_match_order_decide()
    {
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(Prefix("/a"), rule: 0, index: 1), Candidate(Prefix("/a"), rule: 1, index: 0)) < 0);
        Assert.True(RoutePrecedence.Instance.Compare(Candidate(Prefix("/a"), rule: 1, index: 0), Candidate(Prefix("/a"), rule: 1, index: 1)) < 0);
    }
}
