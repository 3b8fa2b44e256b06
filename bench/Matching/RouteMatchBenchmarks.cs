using BenchmarkDotNet.Attributes;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Tables;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Microsoft.AspNetCore.Http;

namespace Mesh.Bench.Matching;

/// <summary>
/// The cost of finding the winning route in one group of N routes: what every request pays. Routes are
/// a realistic mix (prefixes two and three segments deep, some exact paths, some header matches); the
/// request hits a route in the middle of the precedence order.
/// </summary>
[MemoryDiagnoser]
public class RouteMatchBenchmarks
{
    private CompiledGroup _group = null!;
    private RequestView _hit;
    private RequestView _miss;

    [Params(10, 1_000, 10_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var candidates = new List<MatchCandidate>();
        for (var i = 0; i < Routes; i++)
        {
            var match = (i % 4) switch
            {
                0 => new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.Exact, Value = $"/svc{i}/items" } },
                1 => new HttpRouteMatch
                {
                    Path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = $"/svc{i}/api" },
                    Headers = [new HttpHeaderMatch { Name = "x-version", Value = "v2" }],
                },
                _ => new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = $"/svc{i}/api/v{i % 3}" } },
            };
            var route = new ObjectMeta { Namespace = "ns", Name = $"r{i}" };
            candidates.Add(new MatchCandidate(route, 0, 0, MatchDefaults.Normalize(match)));
        }
        var entries = candidates
            .OrderBy(c => c, RoutePrecedence.Instance)
            .Select(c => new RouteEntry { Route = c.RouteKey, Match = c.Match, Backends = [] })
            .Select(e => new CompiledEntry(e.Route, 0, new RequestMatcher(e.Match), new RouteAction(e)))
            .ToArray();
        _group = new CompiledGroup(entries);

        var middle = Routes / 2 / 4 * 4 + 1;
        var headers = new HeaderDictionary { ["x-version"] = "v2", ["accept"] = "*/*", ["user-agent"] = "bench" };
        _hit = new RequestView("GET", $"/svc{middle}/api/orders/17", headers, "?page=2");
        _miss = new RequestView("GET", "/nothing/here/at/all", headers, "");
        if (_group.Match(_hit) is null)
        {
            throw new InvalidOperationException("The benchmark request must match a route.");
        }
    }

    [Benchmark]
    public CompiledEntry? Hit() => _group.Match(_hit);

    [Benchmark]
    public CompiledEntry? Miss() => _group.Match(_miss);
}
