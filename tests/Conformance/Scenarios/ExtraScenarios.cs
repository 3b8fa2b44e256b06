using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>
/// Mesh's own scenarios, beyond the upstream profiles (not counted in the report): unresolvable
/// backends, route status, precedence ties, consumer routes of two namespaces, timeouts, retries and
/// mirrors. They share the profile mesh and, like the upstream scenarios, clean up after themselves.
/// </summary>
[Collection(Collections.Profile)]
[Trait("Conformance", "mesh-extra")]
public sealed class ExtraScenarios(ProfileFixture fixture)
{
    private InProcessMesh Mesh => fixture.Mesh;

    private static MeshRequest Get(string path, string host = "echo", params (string Name, string Value)[] headers) =>
        new() { Host = host, Path = path, Headers = headers };

    private static Dictionary<string, string> Header(string name, string value) => new() { [name] = value };

    [Fact]
    public async Task An_unresolvable_backendRef_answers_500_for_its_share_and_a_rule_without_weight_answers_500()
    {
        var client = await Mesh.V1ClientAsync();
        await using var routes = await Mesh.ApplyAsync("extras/unresolved-backend.yaml");
        var route = routes.Routes.Single();
        await RouteStatus.WaitForConditionAsync(Mesh.Api, route, "ResolvedRefs", "False", "BackendNotFound");
        await RouteStatus.WaitForConditionAsync(Mesh.Api, route, "Accepted", "True", "Accepted");

        await ExpectAsync(client, Get("/zero"), Expect.Status(500));
        // Binomial(200, 0.5): ±15 points is over four standard deviations.
        await ExpectDistributionAsync(_ => client.SendAsync(Get("/half")),
            new Dictionary<string, double> { ["echo-v1"] = 0.5, ["status 500"] = 0.5 }, total: 200, tolerance: 0.15, attempts: 3);
    }

    [Fact]
    public async Task Route_status_has_Accepted_and_ResolvedRefs_per_parent_with_the_observed_generation()
    {
        await using var routes = await Mesh.ApplyWithoutAcceptanceAsync("extras/status.yaml");
        var route = routes.Routes.Single();

        var status = await Eventually.ConsistentlyAsync(() => RouteStatus.ReadAsync(Mesh.Api, route), s => StatusProblems(s, expectedGeneration: 1),
            "status of both parents at generation 1", required: 1);
        Assert.Equal(1, status.Generation);

        // A spec change is a new generation; Mesh observes it.
        var changed = (JsonObject)route.DeepClone();
        changed["spec"]!["rules"]![0]!["backendRefs"]![0]!["name"] = "echo-v2";
        await Mesh.Api.ApplyAsync(changed);
        await Eventually.ConsistentlyAsync(() => RouteStatus.ReadAsync(Mesh.Api, route), s => StatusProblems(s, expectedGeneration: 2),
            "status of both parents at generation 2", required: 1);
        var client = await Mesh.V1ClientAsync();
        await ExpectAsync(client, Get("/"), Expect.Ok("echo-v2"));
    }

    private static List<string> StatusProblems((long Generation, IReadOnlyList<JsonObject> Parents) status, long expectedGeneration)
    {
        var wrong = new List<string>();
        if (status.Generation != expectedGeneration)
        {
            wrong.Add($"generation {status.Generation}");
        }
        JsonObject? Parent(string name) => status.Parents.FirstOrDefault(p => p["parentRef"]?["name"]?.GetValue<string>() == name);
        void Check(JsonObject? parent, string parentName, string type, string expected, string reason)
        {
            var condition = parent is null ? null : RouteStatus.Condition(parent, type);
            if (condition?["status"]?.GetValue<string>() != expected || condition["reason"]?.GetValue<string>() != reason
                || condition["observedGeneration"]?.GetValue<long>() != expectedGeneration || condition["lastTransitionTime"] is null)
            {
                wrong.Add($"{parentName} {type}: {condition?.ToJsonString() ?? "missing"}, expected {expected}/{reason}/gen {expectedGeneration}");
            }
        }
        var echo = Parent("echo");
        Check(echo, "echo", "Accepted", "True", "Accepted");
        Check(echo, "echo", "ResolvedRefs", "True", "ResolvedRefs");
        if (echo is not null && (echo["parentRef"]?["port"]?.GetValue<long>() != 80 || echo["parentRef"]?["kind"]?.GetValue<string>() != "Service"))
        {
            wrong.Add($"echo parentRef {echo["parentRef"]?.ToJsonString()}");
        }
        Check(Parent("no-such-service"), "no-such-service", "Accepted", "False", "NoMatchingParent");
        if (status.Parents.Any(p => p["controllerName"]?.GetValue<string>() != RouteStatus.ControllerName))
        {
            wrong.Add("a parent entry without controllerName " + RouteStatus.ControllerName);
        }
        return wrong;
    }

    [Fact]
    public async Task Identical_matches_go_to_the_older_route_and_in_the_same_second_to_the_first_namespace_and_name()
    {
        var client = await Mesh.V1ClientAsync();
        await using (var older = await Mesh.ApplyAsync("extras/precedence-older.yaml"))
        {
            // creationTimestamp has whole seconds: let the clock pass the older route's second.
            var created = DateTimeOffset.Parse(older.Routes.Single()["metadata"]!["creationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            await Eventually.UntilAsync(() => DateTimeOffset.UtcNow >= created.AddSeconds(1.05), "a later second");
            await using var newer = await Mesh.ApplyAsync("extras/precedence-newer.yaml");
            Assert.NotEqual(created, DateTimeOffset.Parse(newer.Routes.Single()["metadata"]!["creationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            await ExpectAsync(client, Get("/tie"), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Route", "z-older") });
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var pair = await Mesh.ApplyAsync("extras/precedence-same-second.yaml");
            var stamps = pair.Routes.Select(r => r["metadata"]!["creationTimestamp"]!.GetValue<string>()).Distinct().Count();
            if (stamps == 1)
            {
                await ExpectAsync(client, Get("/same-second"), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Route", "c") });
                break;
            }
            Assert.True(attempt < 5, "could not create two routes within one second");
        }
    }

    [Fact]
    public async Task Consumer_routes_of_two_namespaces_and_the_producer_route_each_apply_to_their_own_clients_only()
    {
        var producer = await Mesh.V1ClientAsync();
        var consumerA = await Mesh.ConsumerClientAsync();
        var consumerB = await Mesh.ClientAsync("mesh-extras-consumer", "app=client");
        const string Echo = "echo-v1.gateway-conformance-mesh";
        await using (var routes = await Mesh.ApplyAsync("extras/consumers-side-by-side.yaml"))
        {
            await ExpectAllAsync(
                Case.Http(producer, Get("/", Echo), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Seen-By", "producer") }),
                Case.Http(consumerA, Get("/", Echo), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Seen-By", "consumer-a") }),
                Case.Http(consumerB, Get("/", Echo), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Seen-By", "consumer-b") }));

            // Without its consumer route, namespace A falls back to the producer route; B keeps its own.
            await Mesh.Api.DeleteAsync(KubeApi.PathOf(routes.Routes.Single(r => KubeApi.Name(r) == "extras-consumer-a")));
            await ExpectAllAsync(
                Case.Http(consumerA, Get("/", Echo), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Seen-By", "producer") }),
                Case.Http(consumerB, Get("/", Echo), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Seen-By", "consumer-b") }),
                Case.Http(producer, Get("/", Echo), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Seen-By", "producer") }));
        }
    }

    [Fact]
    public async Task A_request_timeout_answers_504_in_time_and_leaves_fast_requests_alone()
    {
        var client = await Mesh.V1ClientAsync();
        await using var routes = await Mesh.ApplyAsync("extras/timeout.yaml");
        await ExpectAsync(client, Get("/slow", headers: ("x-echo-delay-ms", "3000")), Expect.Status(504));
        var clock = Stopwatch.StartNew();
        var slow = await client.SendAsync(Get("/slow", headers: ("x-echo-delay-ms", "3000")));
        clock.Stop();
        Assert.Equal(504, slow.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(2500), $"504 after {clock.ElapsedMilliseconds} ms; the timeout is 500 ms");
        await ExpectAsync(client, Get("/fast", headers: ("x-echo-delay-ms", "50")), Expect.Ok("echo-v1"));
    }

    [Fact]
    public async Task Retries_replay_the_request_on_listed_codes_up_to_the_attempts()
    {
        var client = await Mesh.V1ClientAsync();
        await using var flaky = await RecordingBackend.StartAsync();
        await flaky.RegisterAsync(Mesh.Api, MeshNs, "flaky");
        try
        {
            await using var routes = await Mesh.ApplyAsync("extras/retry.yaml");
            await ExpectAsync(client, Get("/warm-up", "flaky"), Expect.Status(200));

            flaky.Requests.Clear();
            flaky.AnswerNext(503, 503);
            var recovered = await client.SendAsync(new MeshRequest { Host = "flaky", Path = "/order", Method = "POST", Body = "payload" });
            Assert.Equal(200, recovered.Status);
            Assert.Equal(3, flaky.Requests.Count);
            Assert.All(flaky.Requests, r => Assert.Equal("payload", r.BodyText));

            flaky.Requests.Clear();
            flaky.AnswerNext(503, 503, 503);
            var exhausted = await client.SendAsync(new MeshRequest { Host = "flaky", Path = "/order", Method = "POST", Body = "payload" });
            Assert.Equal(503, exhausted.Status);
            Assert.Equal(3, flaky.Requests.Count);

            flaky.Requests.Clear();
            flaky.AnswerNext(500);
            var unlisted = await client.SendAsync(new MeshRequest { Host = "flaky", Path = "/order" });
            Assert.Equal(500, unlisted.Status);
            Assert.Single(flaky.Requests);
        }
        finally
        {
            await SelectorlessService.DeleteAsync(Mesh.Api, MeshNs, "flaky");
        }
    }

    [Fact]
    public async Task A_mirror_gets_a_copy_and_its_failure_does_not_change_the_answer()
    {
        var client = await Mesh.V1ClientAsync();
        await using var sink = await RecordingBackend.StartAsync();
        await sink.RegisterAsync(Mesh.Api, MeshNs, "mirror-sink");
        try
        {
            await using var routes = await Mesh.ApplyAsync("extras/mirror.yaml");
            sink.AnswerNext(Enumerable.Repeat(500, 100).ToArray());
            var marker = Guid.NewGuid().ToString("N");
            var answer = await client.SendAsync(new MeshRequest { Host = "echo", Path = $"/copy-me?m={marker}", Method = "POST", Body = "mirrored body" });
            Assert.Equal(200, answer.Status);
            Assert.StartsWith("echo-v1-", answer.Pod, StringComparison.Ordinal);
            Assert.Equal("POST", answer.Echo!["method"]!.GetValue<string>());

            await Eventually.UntilAsync(() => sink.Requests.Any(r => r.PathAndQuery == $"/copy-me?m={marker}"), "the mirror received the copy");
            var copy = sink.Requests.First(r => r.PathAndQuery == $"/copy-me?m={marker}");
            Assert.Equal("POST", copy.Method);
            Assert.Equal("mirrored body", copy.BodyText);
        }
        finally
        {
            await SelectorlessService.DeleteAsync(Mesh.Api, MeshNs, "mirror-sink");
        }
    }
}
