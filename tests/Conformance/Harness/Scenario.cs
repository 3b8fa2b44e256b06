using System.Text.Json.Nodes;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>One request a scenario makes, and what it must produce, retried until it holds consistently.</summary>
public sealed record Case(string Name, PodClient Client, Func<PodClient, Task<EchoResponse>> Send, Expect Expect)
{
    public static Case Http(PodClient client, MeshRequest request, Expect expect) =>
        new($"{request} from {client.Pod.Namespace}/{client.Pod.Name}", client, c => c.SendAsync(request), expect);

    public static Case Grpc(PodClient client, string authority, string service, string method, Expect expect,
        params (string Name, string Value)[] metadata) =>
        new($"gRPC {authority}/{service}/{method} {string.Join(" ", metadata.Select(m => $"{m.Name}:{m.Value}"))} from {client.Pod.Namespace}/{client.Pod.Name}",
            client, c => c.CallGrpcAsync(authority, service, method, metadata), expect);
}

/// <summary>A scenario's expectation did not hold.</summary>
public sealed class ScenarioFailedException(string message) : Exception(message);

/// <summary>
/// The steps of a scenario against one mesh: apply manifests to the running API (waiting until the
/// routes are accepted and in the gateway's tables), check cases, and delete them again (waiting until
/// the gateway no longer holds them), so scenarios run one after another without seeing each other.
/// </summary>
public static class ScenarioSteps
{
    public const string MeshNs = "gateway-conformance-mesh";
    public const string ConsumerNs = "gateway-conformance-mesh-consumer";
    public const string EchoService = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    public static Task<PodClient> V1ClientAsync(this InProcessMesh mesh) => mesh.ClientAsync(MeshNs, "app=echo,version=v1");

    public static Task<PodClient> V2ClientAsync(this InProcessMesh mesh) => mesh.ClientAsync(MeshNs, "app=echo,version=v2");

    public static Task<PodClient> ConsumerClientAsync(this InProcessMesh mesh) => mesh.ClientAsync(ConsumerNs, "app=echo,version=v1");

    /// <summary>Applies the manifests; returns a handle whose disposal deletes them and waits for that to reach the gateway.</summary>
    public static async Task<AppliedManifests> ApplyAsync(this InProcessMesh mesh, params string[] files)
    {
        var applied = new AppliedManifests(mesh, await mesh.ApplyFilesAsync(files.Select(RepoPaths.Manifest)));
        await applied.WaitInForceAsync();
        return applied;
    }

    /// <summary>As <see cref="ApplyAsync"/>, for routes some of whose parents are expected not to accept them: waits only for the gateway to hold them.</summary>
    public static async Task<AppliedManifests> ApplyWithoutAcceptanceAsync(this InProcessMesh mesh, params string[] files)
    {
        var applied = new AppliedManifests(mesh, await mesh.ApplyFilesAsync(files.Select(RepoPaths.Manifest)));
        await applied.WaitInForceAsync(requireAccepted: false);
        return applied;
    }

    /// <summary>Checks every case (concurrently, as upstream runs them in parallel); fails with every case that did not hold.</summary>
    public static async Task ExpectAllAsync(params Case[] cases)
    {
        var failures = await Task.WhenAll(cases.Select(async c =>
        {
            try
            {
                await Eventually.ConsistentlyAsync(() => c.Send(c.Client), c.Expect.Mismatches, c.Name);
                return null;
            }
            catch (TimeoutException e)
            {
                return e.Message;
            }
        }));
        var failed = failures.OfType<string>().ToList();
        if (failed.Count > 0)
        {
            throw new ScenarioFailedException($"{failed.Count} of {cases.Length} cases failed:\n  " + string.Join("\n  ", failed));
        }
    }

    public static Task ExpectAsync(PodClient client, MeshRequest request, Expect expect) =>
        ExpectAllAsync(Case.Http(client, request, expect));

    /// <summary>
    /// Sends <paramref name="total"/> requests, <paramref name="concurrency"/> at a time, and checks that each
    /// backend (pod name prefix) gets its share within <paramref name="tolerance"/>; the whole check is
    /// retried up to <paramref name="attempts"/> times, as upstream's weight helper does.
    /// </summary>
    public static async Task ExpectDistributionAsync(Func<int, Task<EchoResponse>> send, IReadOnlyDictionary<string, double> shares,
        int total = 500, int concurrency = 10, double tolerance = 0.05, int attempts = 5)
    {
        var problems = new List<string>();
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var next = 0;
            var workers = Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) <= total)
                {
                    string key;
                    try
                    {
                        var response = await send(i);
                        key = response.Status != 200 || (response.IsGrpc && response.GrpcStatus != 0)
                            ? $"status {response.Status}" + (response.IsGrpc ? $"/grpc-status {response.GrpcStatus}" : "")
                            : shares.Keys.FirstOrDefault(b => response.Pod?.StartsWith(b + "-", StringComparison.Ordinal) == true) ?? $"pod {response.Pod}";
                    }
                    catch (HttpRequestException e)
                    {
                        key = $"error {e.Message}";
                    }
                    lock (counts)
                    {
                        counts[key] = counts.GetValueOrDefault(key) + 1;
                    }
                }
            });
            await Task.WhenAll(workers);
            var wrong = new List<string>();
            foreach (var (key, count) in counts.Where(c => !shares.ContainsKey(c.Key)))
            {
                wrong.Add($"{count}x {key}");
            }
            foreach (var (backend, share) in shares)
            {
                var seen = counts.GetValueOrDefault(backend) / (double)total;
                if (counts.GetValueOrDefault(backend) == 0 || Math.Abs(seen - share) > tolerance)
                {
                    wrong.Add($"{backend} got {seen:P1}, expected {share:P0} ± {tolerance:P0}");
                }
            }
            if (wrong.Count == 0)
            {
                return;
            }
            problems.Add($"attempt {attempt}: {string.Join(", ", wrong)} (counts: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))})");
        }
        throw new ScenarioFailedException("distribution not as weighted:\n  " + string.Join("\n  ", problems));
    }
}

/// <summary>Objects a scenario applied; disposal deletes them (routes last in, first out) and waits until the gateway drops the routes.</summary>
public sealed class AppliedManifests(InProcessMesh mesh, IReadOnlyList<JsonObject> objects) : IAsyncDisposable
{
    private static readonly string[] RouteKinds = ["HTTPRoute", "GRPCRoute"];

    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    public IEnumerable<JsonObject> Routes => Objects.Where(o => RouteKinds.Contains(o["kind"]?.GetValue<string>()));

    public IEnumerable<string> RouteKeys => Routes.Select(r => $"{KubeApi.Namespace(r)}/{KubeApi.Name(r)}");

    /// <summary>Every route is Accepted by Mesh for its current generation, and the gateway's tables hold it.</summary>
    public async Task WaitInForceAsync(bool requireAccepted = true)
    {
        foreach (var route in Routes.Where(_ => requireAccepted))
        {
            await RouteStatus.WaitForConditionAsync(mesh.Api, route, "Accepted", "True");
        }
        await Eventually.UntilAsync(() => RouteKeys.All(mesh.DataPlane().Routes().Contains),
            $"the gateway holds {string.Join(", ", RouteKeys)}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var obj in Objects.Reverse())
        {
            await mesh.Api.DeleteAsync(KubeApi.PathOf(obj));
        }
        await Eventually.UntilAsync(() => !RouteKeys.Any(mesh.DataPlane().Routes().Contains),
            $"the gateway no longer holds {string.Join(", ", RouteKeys)}");
    }
}

/// <summary>Reads the status Mesh writes on routes.</summary>
public static class RouteStatus
{
    public const string ControllerName = "mesh.dev/gamma-controller";

    /// <summary>Mesh's status entries (one per parent) of the route as stored now.</summary>
    public static async Task<(long Generation, IReadOnlyList<JsonObject> Parents)> ReadAsync(KubeApi api, JsonObject route)
    {
        var current = await api.GetAsync(KubeApi.PathOf(route)) ?? throw new InvalidOperationException($"{KubeApi.PathOf(route)} is gone");
        var generation = current["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        var parents = (current["status"]?["parents"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(p => p["controllerName"]?.GetValue<string>() == ControllerName)
            .ToList();
        return (generation, parents);
    }

    public static JsonObject? Condition(JsonObject parent, string type) =>
        (parent["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    /// <summary>Waits until every Mesh parent entry has the condition with this status, observed at the route's current generation.</summary>
    public static Task WaitForConditionAsync(KubeApi api, JsonObject route, string type, string status, string? reason = null) =>
        Eventually.ConsistentlyAsync(() => ReadAsync(api, route), current =>
        {
            if (current.Parents.Count == 0)
            {
                return ["no status entry from " + ControllerName];
            }
            var wrong = new List<string>();
            foreach (var parent in current.Parents)
            {
                var condition = Condition(parent, type);
                if (condition?["status"]?.GetValue<string>() != status
                    || (reason is not null && condition["reason"]?.GetValue<string>() != reason)
                    || condition["observedGeneration"]?.GetValue<long>() != current.Generation)
                {
                    wrong.Add($"{parent["parentRef"]?.ToJsonString()}: {condition?.ToJsonString() ?? "no " + type}");
                }
            }
            return wrong;
        }, $"{KubeApi.PathOf(route)} has {type}={status}{(reason is null ? "" : "/" + reason)}", required: 1);
}
