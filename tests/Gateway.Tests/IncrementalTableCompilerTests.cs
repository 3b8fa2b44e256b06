using Mesh.Gateway.Tables;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tests;

public class IncrementalTableCompilerTests
{
    private static Versioned<FrontendFacet> Frontend(string key, string version, string? clusterIP) => new(version, new FrontendFacet
    {
        Namespace = key.Split('/')[0],
        Name = key.Split('/')[1],
        ClusterIP = clusterIP,
        Ports = [new FrontendPort { Port = 80 }],
    });

    private static Versioned<BackendFacet> Backend(string version, params (int Port, string[] Addresses)[] ports) => new(version, new BackendFacet
    {
        Ports = [.. ports.Select(p => new BackendPort
        {
            Port = p.Port,
            Endpoints = [.. p.Addresses.Select(a => new BackendEndpoint { Address = a, Port = 8080, Ready = true, Serving = true })],
        })],
    });

    private sealed class Held
    {
        public Dictionary<string, Versioned<FrontendFacet>> Frontends { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Versioned<BackendFacet>> Backends { get; } = new(StringComparer.Ordinal);
        public WorkloadDirectory? Workloads { get; set; }
    }

    private static Held Large(int services)
    {
        var held = new Held();
        for (var i = 0; i < services; i++)
        {
            var key = $"ns{i % 20}/svc{i}";
            held.Frontends[key] = Frontend(key, "v1", $"10.96.{i / 250}.{i % 250}");
            held.Backends[key] = Backend("v1", (80, [$"10.1.{i / 250}.{i % 250}", $"10.2.{i / 250}.{i % 250}"]));
        }
        return held;
    }

    [Fact]
    public void A_batch_changing_one_Service_reuses_every_other_table_and_pool()
    {
        var held = Large(2_000);
        var compiler = new TableCompiler();
        var before = compiler.Compile(held.Frontends, held.Backends, null);

        held.Frontends["ns7/svc7"] = Frontend("ns7/svc7", "v2", "10.96.0.7");
        held.Backends["ns8/svc8"] = Backend("v2", (80, ["10.1.0.8", "10.3.0.8"]));
        var after = compiler.Update(held.Frontends, held.Backends, null, ["ns7/svc7", "ns8/svc8"]);

        Assert.Equal(2_000, after.ServicesByKey.Count);
        foreach (var (key, table) in before.ServicesByKey)
        {
            Assert.Equal(key != "ns7/svc7", ReferenceEquals(table, after.ServicesByKey[key]));
        }
        foreach (var (key, pool) in before.EndpointPools)
        {
            Assert.Equal(key != "ns8/svc8:80", ReferenceEquals(pool, after.EndpointPools[key]));
        }
        Assert.Same(after.ServicesByKey["ns7/svc7"], after.ServicesByClusterIP["10.96.0.7"]);
        Assert.Equal("v2", after.ServicesByKey["ns7/svc7"].Version);
        Assert.Equal(["10.1.0.8", "10.3.0.8"], after.PoolFor("ns8/svc8", 80)!.Endpoints.Select(e => e.Address.Address.ToString()));
    }

    [Fact]
    public void Endpoint_state_carries_over_while_some_pool_lists_the_address()
    {
        var held = new Held();
        held.Backends["a/one"] = Backend("v1", (80, ["10.1.0.1", "10.1.0.2"]));
        var compiler = new TableCompiler();
        var before = compiler.Compile(held.Frontends, held.Backends, null);
        var kept = before.PoolFor("a/one", 80)!.Endpoints.Single(e => e.Address.Address.ToString() == "10.1.0.1");
        var dropped = before.PoolFor("a/one", 80)!.Endpoints.Single(e => e.Address.Address.ToString() == "10.1.0.2");
        kept.Started();

        // 10.1.0.2 moves to another Service in the same batch: it keeps its state too.
        held.Backends["a/one"] = Backend("v2", (80, ["10.1.0.1", "10.1.0.3"]));
        held.Backends["a/two"] = Backend("v1", (80, ["10.1.0.2"]));
        var after = compiler.Update(held.Frontends, held.Backends, null, ["a/one", "a/two"]);
        Assert.Same(kept, after.PoolFor("a/one", 80)!.Endpoints.First());
        Assert.Equal(1, after.PoolFor("a/one", 80)!.Endpoints.First().InFlight);
        Assert.Same(dropped, after.PoolFor("a/two", 80)!.Endpoints.Single());

        // Gone from every pool, then back: a fresh state, as before.
        held.Backends.Remove("a/two");
        compiler.Update(held.Frontends, held.Backends, null, ["a/two"]);
        held.Backends["a/two"] = Backend("v2", (80, ["10.1.0.2"]));
        var back = compiler.Update(held.Frontends, held.Backends, null, ["a/two"]);
        Assert.NotSame(dropped, back.PoolFor("a/two", 80)!.Endpoints.Single());
        Assert.Equal(3, compiler.EndpointStateCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Incremental_compiles_route_like_a_compile_from_scratch(int seed)
    {
        var random = new Random(seed);
        var held = new Held();
        var compiler = new TableCompiler();
        var version = 0;
        var seen = new HashSet<string>();
        string Key() => $"ns{random.Next(3)}/svc{random.Next(150)}";
        string[] Addresses() => [.. Enumerable.Range(0, random.Next(4)).Select(_ => $"10.1.0.{random.Next(40)}")];
        for (var batch = 0; batch < 300; batch++)
        {
            var changed = new List<string>();
            for (var change = random.Next(1, batch % 50 == 0 ? 200 : 6); change > 0; change--)
            {
                var key = Key();
                changed.Add(key);
                switch (random.Next(6))
                {
                    case 0:
                        held.Frontends.Remove(key);
                        held.Backends.Remove(key);
                        break;
                    case 1:
                    case 2:
                        // Few cluster IPs, so Services sometimes share one.
                        held.Frontends[key] = Frontend(key, $"v{++version}", random.Next(5) == 0 ? null : $"10.96.0.{random.Next(200)}");
                        break;
                    default:
                        var ports = Enumerable.Range(0, random.Next(3)).Select(_ => (80 + random.Next(3), Addresses())).ToArray();
                        held.Backends[key] = Backend($"v{++version}", ports);
                        break;
                }
            }
            if (random.Next(10) == 0)
            {
                held.Workloads = new WorkloadDirectory
                {
                    Workloads = [.. Enumerable.Range(0, random.Next(60)).Select(_ => new Workload
                    {
                        Address = $"10.1.0.{random.Next(80)}",
                        Namespace = $"ns{random.Next(3)}",
                        Pod = $"pod{random.Next(3)}",
                    })],
                };
            }
            seen.UnionWith(changed);
            var incremental = compiler.Update(held.Frontends, held.Backends, held.Workloads, changed);
            if (batch % 25 == 0 || batch == 299)
            {
                AssertRouteAlike(new TableCompiler().Compile(held.Frontends, held.Backends, held.Workloads), incremental);
                foreach (var gone in seen.Where(key => !incremental.ServicesByKey.ContainsKey(key)))
                {
                    Assert.False(incremental.ServicesByKey.TryGetValue(gone.AsSpan(), out _)); // Removed keys stay in the frozen layer, empty.
                }
                var addresses = incremental.EndpointPools.Values.SelectMany(p => p.Endpoints).Select(e => e.Address).Distinct().Count();
                Assert.Equal(addresses, compiler.EndpointStateCount);
            }
        }
    }

    private static void AssertRouteAlike(RouteTables expected, RouteTables actual)
    {
        Assert.Equal(Describe(expected.ServicesByKey, s => $"{s.Version} {s.ClusterIP}"), Describe(actual.ServicesByKey, s => $"{s.Version} {s.ClusterIP}"));
        Assert.Equal(Describe(expected.ServicesByClusterIP, s => s.Key), Describe(actual.ServicesByClusterIP, s => s.Key));
        Assert.Equal(Describe(expected.WorkloadsByAddress, w => w.ToString()), Describe(actual.WorkloadsByAddress, w => w.ToString()));
        Assert.Equal(
            Describe(expected.EndpointPools, p => string.Join(",", p.Endpoints.Select(e => e.Address))),
            Describe(actual.EndpointPools, p => string.Join(",", p.Endpoints.Select(e => e.Address))));
        foreach (var (key, table) in actual.ServicesByKey)
        {
            Assert.Same(table, actual.ServicesByKey.GetValueOrDefault(key));
            Assert.True(actual.ServicesByKey.TryGetValue(key.AsSpan(), out var bySpan)); // The request path's lookup, layers and all.
            Assert.Same(table, bySpan);
        }
        foreach (var (key, pool) in actual.EndpointPools)
        {
            var colon = key.LastIndexOf(':');
            Assert.Same(pool, actual.PoolFor(key[..colon], int.Parse(key[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static string[] Describe<T>(LayeredDictionary<T> table, Func<T, string> describe)
        where T : class
    {
        var entries = table.Select(e => $"{e.Key} => {describe(e.Value)}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(table.Count, entries.Length);
        Assert.Equal(entries.Length, entries.Distinct().Count());
        return entries;
    }
}
