using Mesh.Gateway.Routing;
using Mesh.Gateway.Tables;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Tests;

public class CompiledGroupTests
{
    private static readonly string[] Segments = ["a", "b", "ab", "api", "v1", ""];

    private static string RandomPath(Random random)
    {
        var depth = random.Next(0, 4);
        var path = string.Concat(Enumerable.Range(0, depth).Select(_ => "/" + Segments[random.Next(Segments.Length)]));
        return path.Length == 0 ? "/" : path;
    }

    private static RouteEntry RandomEntry(Random random, int index)
    {
        var type = random.Next(10) switch
        {
            0 => PathMatchType.RegularExpression,
            < 4 => PathMatchType.Exact,
            _ => PathMatchType.PathPrefix,
        };
        var value = type == PathMatchType.RegularExpression ? "/a.*" : RandomPath(random) + (random.Next(4) == 0 ? "/" : "");
        var match = new HttpRouteMatch
        {
            Path = new HttpPathMatch { Type = type, Value = value },
            Method = random.Next(4) == 0 ? "POST" : null,
            Headers = random.Next(4) == 0 ? [new HttpHeaderMatch { Name = "x", Value = "1" }] : null,
        };
        return new RouteEntry { Route = $"ns/r{index}", Match = MatchDefaults.Normalize(match), Backends = [] };
    }

    [Fact]
    public void The_index_finds_the_same_winner_as_a_scan_in_precedence_order()
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var entries = Enumerable.Range(0, random.Next(1, 40))
                .Select(i => RandomEntry(random, i))
                .Select(e => new CompiledEntry(e.Route, 0, new RequestMatcher(e.Match), new RouteAction(e)))
                .ToArray();
            var group = new CompiledGroup(entries);
            for (var probe = 0; probe < 50; probe++)
            {
                var headers = new HeaderDictionary();
                if (random.Next(2) == 0)
                {
                    headers["x"] = "1";
                }
                var request = new RequestView(random.Next(2) == 0 ? "GET" : "POST", RandomPath(random) + (random.Next(5) == 0 ? "/" : ""), headers, "");
                var expected = entries.FirstOrDefault(e => e.Matcher.Matches(request));
                Assert.Same(expected, group.Match(request));
            }
        }
    }
}
