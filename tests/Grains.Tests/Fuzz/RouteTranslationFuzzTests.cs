using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Status;
using Mesh.Grains.Tests.Incremental;
using Mesh.Grains.Validation;
using Mesh.TestSupport.Fuzz;
using Xunit.Abstractions;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// Routes as a cluster may store them (its CRDs older or looser than Mesh's), broken at random, through the
/// translation as the silo runs it: parsed from the watch's JSON, read and re-checked (<see cref="SiloRouteRead"/>),
/// translated in full and incrementally beside a fixed set of valid routes. Per case: nothing throws; the other
/// routes' facets and statuses stay exactly as they were without it; the route is either not read (the silo skips
/// it), not a mesh route (no Service parent, no status), or has a well-formed status on every Service parent that
/// agrees with whether it routes; the incremental translation equals the full one, and removing the route gives
/// back the baseline.
/// </summary>
public partial class RouteTranslationFuzzTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Options = KubernetesJson.Options;

    [Fact]
    public void Every_seed_route_reads_valid_and_is_accepted_with_its_refs_resolved()
    {
        var state = MeshTranslator.Translate(FuzzCluster.Baseline());

        for (var i = 0; i < SeedRoutes.All.Count; i++)
        {
            var (kind, ns, _) = SeedRoutes.All[i];
            var status = state.RouteStatuses[MeshState.StatusKey(kind, new ObjectKey(ns, $"other-{i}"))];
            Assert.All(status.Parents.SelectMany(p => p.Conditions), c => Assert.Equal("True", c.Status));
            Assert.Contains(state.Frontends[$"ns/other-{i}"].Ports, p => EntriesOf(p).Any());
        }
    }

    [Fact]
    public void Mutated_routes_never_throw_disturb_other_routes_or_go_without_status()
    {
        var cases = FuzzRun.Cases(1000);
        var seed = FuzzRun.Seed(20261207);
        var random = new Random(seed);
        var baseline = FuzzCluster.Baseline();
        var baselineState = MeshTranslator.Translate(baseline);
        var incremental = IncrementalTranslator.From(baseline);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < cases; n++)
        {
            var seedIndex = random.Next(SeedRoutes.All.Count);
            var kind = SeedRoutes.All[seedIndex].Kind;
            var key = FuzzCluster.FuzzedKey(seedIndex);
            var route = SeedRoutes.Build(seedIndex, FuzzCluster.FuzzedName, FuzzCluster.Target, 0);
            // Only the spec: the API server sets the metadata, and the cases keep their route's name.
            var spec = JsonMutations.Apply(new JsonObject { ["spec"] = route["spec"]!.DeepClone() }, random, keepTypes: true)["spec"];
            route["spec"] = spec?.DeepClone();
            var updatesValidRoute = random.Next(2) == 0;
            var text = route.ToJsonString();
            try
            {
                // As the watch parses an event's object.
                var read = SiloRouteRead.Of(kind, (JsonObject)JsonNode.Parse(text)!);
                var state = MeshTranslator.Translate(read.AddTo(baseline));
                var outcome = CheckOutcome(kind, key, read, state);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                CheckOthersUntouched(baselineState, state, MeshState.StatusKey(kind, key), key.ToString());

                if (updatesValidRoute)
                {
                    SiloRouteRead.Of(kind, SeedRoutes.Build(seedIndex, FuzzCluster.FuzzedName, FuzzCluster.Target, 0)).ApplyTo(incremental, kind, key);
                    incremental.Flush();
                }
                read.ApplyTo(incremental, kind, key);
                incremental.Flush();
                IncrementalTranslationTests.AssertSameState(state, incremental.State, "with the route");
                incremental.RemoveRoute(kind, key);
                incremental.Flush();
                IncrementalTranslationTests.AssertSameState(baselineState, incremental.State, "after removing the route");
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"case {n} of seed {seed} (MESH_FUZZ_SEED={seed}): {kind} {key} from seed route {seedIndex}"
                    + $"{(updatesValidRoute ? ", replacing its valid version" : "")}\n"
                    + $"object: {Shorten(FuzzRun.Quote(Encoding.UTF8.GetBytes(text)))}\n{e}");
            }
        }
        output.WriteLine($"{cases} cases from seed {seed}: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"))}");
        if (cases >= 500)
        {
            // Each way through the silo's handling was taken.
            Assert.All(new[] { "accepted", "refused", "unreadable", "not a mesh route" }, o => Assert.True(outcomes.ContainsKey(o), $"never {o}: {string.Join(", ", outcomes)}"));
        }
    }

    /// <summary>What became of the route, after checking its status agrees with it.</summary>
    private static string CheckOutcome(string kind, ObjectKey key, SiloRouteRead read, MeshState state)
    {
        var statusKey = MeshState.StatusKey(kind, key);
        var routes = state.Frontends.Values.Any(f => f.Ports.Any(p => EntriesOf(p).Any(e => e.Route == key.ToString())));
        // Status names only parentRefs the API server would take in a status (a broken one would get the whole write refused).
        var serviceParents = (read.ParentRefs ?? []).Where(p => p is not null && ServiceParentBinding.IsServiceParent(p) &&
            GatewayApiValidation.IsWellFormedParentRef(KubernetesJson.ToNode(p)!.AsObject())).ToList();
        if (read.IsUnreadable || serviceParents.Count == 0)
        {
            Assert.False(state.RouteStatuses.ContainsKey(statusKey), "a route the mesh does not own got status");
            Assert.False(routes, "a route the mesh does not own routes");
            return read.IsUnreadable ? "unreadable" : "not a mesh route";
        }

        Assert.True(state.RouteStatuses.TryGetValue(statusKey, out var status), "a route with Service parents got no status");
        Assert.Equal(serviceParents.Count, status!.Parents.Count);
        var accepted = new List<bool>();
        foreach (var (parent, parentStatus) in serviceParents.Zip(status.Parents))
        {
            Assert.Equal(Json(parent), Json(parentStatus.ParentRef));
            Assert.Equal(MeshController.Name, parentStatus.ControllerName);
            foreach (var condition in parentStatus.Conditions)
            {
                CheckCondition(condition);
            }
            var acceptedCondition = Assert.Single(parentStatus.Conditions, c => c.Type == RouteConditions.Accepted);
            accepted.Add(acceptedCondition.Status == "True");
            if (read.Invalid is not null)
            {
                Assert.Equal(("False", RouteConditions.Reasons.UnsupportedValue), (acceptedCondition.Status, acceptedCondition.Reason));
            }
            if (acceptedCondition.Status == "True")
            {
                Assert.Single(parentStatus.Conditions, c => c.Type == RouteConditions.ResolvedRefs);
            }
        }
        // Every rule has at least one match (an absent list is the default match), so an accepted rule routes something.
        // An HTTPRoute without rules has the CRD's default rule; a GRPCRoute has none.
        var rules = read.Http is { } written ? written.Spec.Rules?.Count ?? 1 : read.Grpc?.Spec.Rules?.Count ?? 0;
        Assert.True(routes == (accepted.Contains(true) && rules > 0), $"routes: {routes}, accepted on a parent: {accepted.Contains(true)}, rules: {rules}");
        if (routes)
        {
            CheckRoutedAsWritten(read, state, key.ToString());
        }
        return read.Invalid is not null ? "refused" : accepted.Contains(true) ? "accepted" : "not accepted";
    }

    /// <summary>
    /// A route that routes does so whole and as written: each group it is in holds every match of every rule once (a
    /// rule without matches has the default one), and every regular expression it wrote compiles on its own as well as
    /// the way the data plane runs it, anchored and non-backtracking (one that compiles only when wrapped means something else).
    /// </summary>
    private static void CheckRoutedAsWritten(SiloRouteRead read, MeshState state, string route)
    {
        var matchCounts = read.Http is { } http
            ? (http.Spec.Rules ?? [new HttpRouteRule()]).ConvertAll(r => Math.Max(1, r.Matches?.Count ?? 0))
            : (read.Grpc!.Spec.Rules ?? []).ConvertAll(r => Math.Max(1, r.Matches?.Count ?? 0));
        var expected = matchCounts.SelectMany((count, rule) => Enumerable.Range(0, count).Select(match => (rule, match))).ToList();
        var groups = state.Frontends.Values.SelectMany(f => f.Ports)
            .SelectMany(p => new[] { p.Producer }.Concat(p.Consumers.Values)).OfType<RouteGroup>();
        foreach (var group in groups)
        {
            var entries = group.Entries.Concat(group.GrpcEntries).Where(e => e.Route == route).Select(e => (e.RuleIndex, e.MatchIndex)).ToList();
            Assert.True(entries.Count == 0 || entries.Order().SequenceEqual(expected.Order()),
                $"a group holds matches [{string.Join(", ", entries.Order())}] of the route, not [{string.Join(", ", expected)}]");
        }

        var patterns = read.Http is not null
            ? (read.Http.Spec.Rules ?? []).SelectMany(r => r.Matches ?? []).SelectMany(m =>
                new[] { m.Path?.Type == "RegularExpression" ? m.Path.Value : null }
                    .Concat((m.Headers ?? []).Where(h => h.Type == "RegularExpression").Select(h => h.Value))
                    .Concat((m.QueryParams ?? []).Where(q => q.Type == "RegularExpression").Select(q => q.Value)))
            : (read.Grpc!.Spec.Rules ?? []).SelectMany(r => r.Matches ?? []).SelectMany(m =>
                (m.Method?.Type == "RegularExpression" ? new[] { m.Method.Service, m.Method.Method } : [])
                    .Concat((m.Headers ?? []).Where(h => h.Type == "RegularExpression").Select(h => h.Value)));
        foreach (var pattern in patterns.OfType<string>())
        {
            var compiles = Record.Exception(() =>
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
                _ = new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            });
            Assert.True(compiles is null, $"the route routes with the regular expression \"{pattern}\": {compiles?.Message}");
        }
    }

    /// <summary>A metav1.Condition the API server would take: its schema's status enum, reason pattern and lengths.</summary>
    private static void CheckCondition(Condition condition)
    {
        Assert.Contains(condition.Status, new[] { "True", "False", "Unknown" });
        Assert.True(condition.Reason.Length <= 1024 && ConditionReason().IsMatch(condition.Reason), $"reason \"{condition.Reason}\"");
        Assert.True(condition.Message.Length is > 0 and <= 32768, $"message of {condition.Message.Length} characters");
        Assert.Equal(1, condition.ObservedGeneration);
    }

    /// <summary>Every other Service's facets, and every other route's status and entries, exactly as in the baseline.</summary>
    private static void CheckOthersUntouched(MeshState baseline, MeshState state, string statusKey, string route)
    {
        Assert.Equal(baseline.Frontends.Keys, state.Frontends.Keys);
        foreach (var (name, frontend) in state.Frontends)
        {
            Assert.True(Json(baseline.Frontends[name]) == Json(Without(frontend, route)), $"frontend {name} changed for the other routes");
        }
        Assert.Equal(Json(baseline.Backends), Json(state.Backends));
        Assert.Equal(Json(baseline.RouteStatuses), Json(new SortedDictionary<string, RouteStatus>(
            state.RouteStatuses.Where(s => s.Key != statusKey).ToDictionary(), StringComparer.Ordinal)));
    }

    /// <summary>The facet as it would be without <paramref name="route"/>'s entries (a group left empty is no group).</summary>
    private static FrontendFacet Without(FrontendFacet frontend, string route) => frontend with
    {
        Ports = frontend.Ports.ConvertAll(port => port with
        {
            Producer = Without(port.Producer, route),
            Consumers = new SortedDictionary<string, RouteGroup>(
                port.Consumers.Select(c => (c.Key, Group: Without(c.Value, route)))
                    .Where(c => c.Group is not null)
                    .ToDictionary(c => c.Key, c => c.Group!), StringComparer.Ordinal),
        }),
    };

    private static RouteGroup? Without(RouteGroup? group, string route)
    {
        if (group is null)
        {
            return null;
        }
        var stripped = new RouteGroup
        {
            Entries = group.Entries.FindAll(e => e.Route != route),
            GrpcEntries = group.GrpcEntries.FindAll(e => e.Route != route),
        };
        return stripped.Entries.Count + stripped.GrpcEntries.Count == 0 ? null : stripped;
    }

    private static IEnumerable<RouteEntry> EntriesOf(FrontendPort port) =>
        new[] { port.Producer }.Concat(port.Consumers.Values).OfType<RouteGroup>().SelectMany(g => g.Entries.Concat(g.GrpcEntries));

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static string Shorten(string text) => text.Length <= 4000 ? text : $"{text[..4000]}...({text.Length} characters)";

    [GeneratedRegex("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    private static partial Regex ConditionReason();
}
