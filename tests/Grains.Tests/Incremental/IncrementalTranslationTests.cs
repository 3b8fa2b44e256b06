using System.Text.Json;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests.Incremental;

/// <summary>
/// Property tests: random sequences of adds, changes and deletes over a small cluster, fed to the
/// incremental translator one (or a few) at a time. After every flush its state must equal a fresh full
/// translation facet by facet and status by status, what it did not list as changed must be the very
/// objects it held before, and a change must not spill beyond what it can affect.
/// </summary>
public class IncrementalTranslationTests
{
    public static TheoryData<int, bool> Seeds()
    {
        var data = new TheoryData<int, bool>();
        for (var seed = 1; seed <= 12; seed++)
        {
            data.Add(seed, seed % 2 == 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_changes_keep_the_incremental_state_equal_to_a_full_translation(int seed, bool requireGrants)
    {
        var random = new RandomCluster(seed);
        var cluster = new ClusterObjects(requireGrants);
        var translator = new IncrementalTranslator(requireGrants);
        for (var step = 0; step < 400; step++)
        {
            var before = Held(translator.State);
            var batch = random.Chance(20) ? random.Next(4) + 2 : 1;
            HashSet<string>? bound = null;
            for (var i = 0; i < batch; i++)
            {
                bound = ApplyRandomChange(random, cluster, translator);
            }
            var delta = translator.Flush();

            var expected = MeshTranslator.Translate(cluster.Snapshot());
            AssertSameState(expected, translator.State, $"seed {seed}, step {step}");
            AssertUntouchedKept(before, translator.State, delta, $"seed {seed}, step {step}");
            if (batch == 1 && bound is not null)
            {
                Assert.True(delta.Services.All(bound.Contains),
                    $"seed {seed}, step {step}: rebuilt {string.Join(", ", delta.Services)}, allowed {string.Join(", ", bound)}");
            }
        }
    }

    [Fact]
    public void Loading_a_snapshot_equals_the_full_translation()
    {
        var random = new RandomCluster(99);
        var cluster = new ClusterObjects(requireReferenceGrants: true);
        var scratch = new IncrementalTranslator(requireReferenceGrants: true);
        for (var i = 0; i < 60; i++)
        {
            ApplyRandomChange(random, cluster, scratch);
        }

        var loaded = IncrementalTranslator.From(cluster.Snapshot());

        AssertSameState(MeshTranslator.Translate(cluster.Snapshot()), loaded.State, "loaded");
    }

    [Fact]
    public void A_route_change_rebuilds_only_its_Services_and_its_own_status()
    {
        var translator = IncrementalTranslator.From(new MeshSnapshot
        {
            Services = [Objects.Service("ns", "one"), Objects.Service("ns", "two"), Objects.Service("ns", "three")],
            HttpRoutes =
            [
                Objects.Route("ns", "to-one", Objects.ServiceParent("one"), Objects.Rule(null, Objects.Backend("two"))),
                Objects.Route("ns", "to-three", Objects.ServiceParent("three"), Objects.Rule(null, Objects.Backend("three"))),
            ],
        });
        var three = translator.State.Frontends["ns/three"];

        translator.Upsert(Objects.Route("ns", "to-one", Objects.ServiceParent("two"), Objects.Rule(Objects.Prefix("/v2"), Objects.Backend("two"))));
        var delta = translator.Flush();

        Assert.Equal(["ns/one", "ns/two"], delta.Services.Order(StringComparer.Ordinal));
        Assert.Equal(["HTTPRoute:ns/to-one"], delta.RouteStatuses.Select(s => s.Key));
        Assert.Same(three, translator.State.Frontends["ns/three"]);
        Assert.Null(translator.State.Frontends["ns/one"].Ports.Single().Producer);
        Assert.Equal("/v2", translator.State.Frontends["ns/two"].Ports.Single().Producer!.Entries.Single().Match.Path!.Value);
    }

    /// <summary>
    /// One random change, applied to both the reference objects and the translator. Returns the Services
    /// it may rebuild when that is known from the change alone (a route: its old and new parents; a
    /// slice: its old and new Service; a pod: none), null otherwise.
    /// </summary>
    private static HashSet<string>? ApplyRandomChange(RandomCluster random, ClusterObjects cluster, IncrementalTranslator translator)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);
        switch (random.Next(12))
        {
            case 0 or 1:
            {
                var service = random.Service(random.ServiceKey());
                cluster.Services[new ObjectKey(service.Metadata.Namespace!, service.Metadata.Name)] = service;
                translator.Upsert(service);
                return null;
            }
            case 2:
            {
                var key = random.ServiceKey();
                cluster.Services.Remove(key);
                translator.RemoveService(key);
                return null;
            }
            case 3 or 4:
            {
                var key = random.RouteKey();
                var route = random.HttpRoute(key);
                bound.UnionWith(cluster.ParentsOf(RouteKinds.Http, key));
                cluster.InvalidRoutes.Remove(new RouteId(RouteKinds.Http, key));
                cluster.HttpRoutes[key] = route;
                bound.UnionWith(cluster.ParentsOf(RouteKinds.Http, key));
                translator.Upsert(route);
                break;
            }
            case 5:
            {
                var key = random.RouteKey();
                var route = random.GrpcRoute(key);
                bound.UnionWith(cluster.ParentsOf(RouteKinds.Grpc, key));
                cluster.InvalidRoutes.Remove(new RouteId(RouteKinds.Grpc, key));
                cluster.GrpcRoutes[key] = route;
                bound.UnionWith(cluster.ParentsOf(RouteKinds.Grpc, key));
                translator.Upsert(route);
                break;
            }
            case 6:
            {
                var key = random.RouteKey();
                var kind = random.Chance(50) ? RouteKinds.Http : RouteKinds.Grpc;
                bound.UnionWith(cluster.ParentsOf(kind, key));
                if (random.Chance(30))
                {
                    var invalid = random.InvalidRoute(kind, key);
                    cluster.HttpRoutes.Remove(kind == RouteKinds.Http ? key : default);
                    cluster.GrpcRoutes.Remove(kind == RouteKinds.Grpc ? key : default);
                    cluster.InvalidRoutes[new RouteId(kind, key)] = invalid;
                    translator.Upsert(invalid);
                }
                else
                {
                    (kind == RouteKinds.Http ? cluster.HttpRoutes.Remove(key) : cluster.GrpcRoutes.Remove(key)).ToString();
                    cluster.InvalidRoutes.Remove(new RouteId(kind, key));
                    translator.RemoveRoute(kind, key);
                }
                break;
            }
            case 7:
            {
                var key = random.GrantKey();
                if (random.Chance(60))
                {
                    var grant = random.Grant(key);
                    cluster.Grants[key] = grant;
                    translator.Upsert(grant);
                }
                else
                {
                    cluster.Grants.Remove(key);
                    translator.RemoveReferenceGrant(key);
                }
                return null;
            }
            case 8 or 9:
            {
                var key = random.SliceKey();
                bound.Add(ServiceOf(cluster.Slices.GetValueOrDefault(key)) ?? "");
                if (random.Chance(70))
                {
                    var slice = random.Slice(key);
                    cluster.Slices[key] = slice;
                    bound.Add(ServiceOf(slice) ?? "");
                    translator.Upsert(slice);
                }
                else
                {
                    cluster.Slices.Remove(key);
                    translator.RemoveEndpointSlice(key);
                }
                break;
            }
            default:
            {
                var key = random.PodKey();
                if (random.Chance(70))
                {
                    var pod = random.Pod(key);
                    cluster.Pods[key] = pod;
                    translator.Upsert(pod);
                }
                else
                {
                    cluster.Pods.Remove(key);
                    translator.RemovePod(key);
                }
                break;
            }
        }
        return bound;
    }

    private static string? ServiceOf(EndpointSlice? slice) =>
        slice?.ServiceName is { } name ? $"{slice.Metadata.Namespace}/{name}" : null;

    private static (Dictionary<string, FrontendFacet>, Dictionary<string, BackendFacet>, Dictionary<string, Status.RouteStatus>) Held(MeshState state) =>
        (new(state.Frontends), new(state.Backends), new(state.RouteStatuses));

    internal static void AssertSameState(MeshState expected, MeshState actual, string where)
    {
        AssertSameEntries(expected.Frontends, actual.Frontends, $"{where}, frontend");
        AssertSameEntries(expected.Backends, actual.Backends, $"{where}, backend");
        AssertSameEntries(expected.RouteStatuses, actual.RouteStatuses, $"{where}, status");
        Assert.Equal(Json(expected.Workloads), Json(actual.Workloads));
    }

    private static void AssertSameEntries<T>(SortedDictionary<string, T> expected, SortedDictionary<string, T> actual, string what)
    {
        Assert.True(expected.Keys.SequenceEqual(actual.Keys),
            $"{what} keys: expected [{string.Join(", ", expected.Keys)}], got [{string.Join(", ", actual.Keys)}]");
        foreach (var (key, value) in expected)
        {
            var want = Json(value);
            var got = Json(actual[key]);
            Assert.True(want == got, $"{what} {key}:\nexpected {want}\n     got {got}");
        }
    }

    /// <summary>What the flush did not report must be the same objects as before it (untouched, so versions stay).</summary>
    private static void AssertUntouchedKept(
        (Dictionary<string, FrontendFacet> Frontends, Dictionary<string, BackendFacet> Backends, Dictionary<string, Status.RouteStatus> Statuses) before,
        MeshState after, MeshDelta delta, string where)
    {
        var reportedStatuses = delta.RouteStatuses.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, frontend) in after.Frontends.Where(f => !delta.Services.Contains(f.Key)))
        {
            Assert.True(before.Frontends.TryGetValue(key, out var held) && ReferenceEquals(held, frontend), $"{where}: frontend {key} changed unreported");
        }
        foreach (var (key, backend) in after.Backends.Where(b => !delta.Services.Contains(b.Key)))
        {
            Assert.True(before.Backends.TryGetValue(key, out var held) && ReferenceEquals(held, backend), $"{where}: backend {key} changed unreported");
        }
        foreach (var (key, status) in after.RouteStatuses.Where(s => !reportedStatuses.Contains(s.Key)))
        {
            Assert.True(before.Statuses.TryGetValue(key, out var held) && ReferenceEquals(held, status), $"{where}: status {key} changed unreported");
        }
        foreach (var key in before.Statuses.Keys.Where(k => !after.RouteStatuses.ContainsKey(k)))
        {
            Assert.True(reportedStatuses.Contains(key), $"{where}: status {key} removed unreported");
        }
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, KubernetesJson.Options);
}
