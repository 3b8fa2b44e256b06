using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost;
using Mesh.AppHost.Orchestration;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Gateway;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue #5: the silo and the gateway as separate OS processes, launched the way the AppHost launches
/// them (the local Kubernetes API with the demo runs in the test process, on 127.1.6.0/24). The silo is
/// killed with SIGKILL while clients in two namespaces keep sending through the gateway: not one request
/// fails, every answer still follows the producer and consumer routes, and when a silo comes back on the
/// same address the gateway resubscribes and follows a route change.
/// </summary>
[Collection(HeavyTraffic.Name)]
public sealed class SiloProcessKillTests(ITestOutputHelper output)
{
    private const int Workers = 8; // 6 clients in slow-clients (producer route), 2 in fast-clients (consumer route)
    private const string Marker = "x-route-version";

    [Fact]
    public async Task Killing_the_silo_process_under_load_fails_no_request_and_the_gateway_resubscribes_when_a_silo_returns()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            PodNetworkBase = IPAddress.Parse("127.1.6.0"),
            ServiceNetworkBase = IPAddress.Parse("127.2.6.0"),
        });
        await cluster.LoadResourcesAsync([Path.Combine(AppContext.BaseDirectory, "deploy", "local")]);
        await cluster.WaitForPodsReadyAsync().WaitAsync(TimeSpan.FromSeconds(60));
        using var api = new KubeApi(cluster.ApiUri);
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Free ports picked up front, as the AppHost does for flags given as 0: the silo that comes back
        // must listen where the gateway looks for it.
        var siloUri = new Uri($"http://127.0.0.1:{FreePort.Pick()}/");
        var gatewayUri = new Uri($"http://127.0.0.1:{FreePort.Pick()}/");
        var adminUri = new Uri($"http://127.0.0.1:{FreePort.Pick()}/");
        var silo = await StartSiloAsync(cluster.ApiUri, siloUri, admin);
        MeshProcess? successor = null;
        await using var gateway = MeshProcess.Start(["gateway", "--port", Invariant(gatewayUri.Port), "--admin-port", Invariant(adminUri.Port),
            "--silo", siloUri.ToString(), "--proxy-name", "silo-kill", "--parent-pid", Invariant(Environment.ProcessId)]);
        try
        {
            await gateway.LineAsync(line => line == GatewayProgram.ReadyLine).WaitAsync(TimeSpan.FromSeconds(60));

            using var slow = new PodClient(gatewayUri, await api.DeploymentPodAsync("slow-clients", "slow-client"));
            using var fast = new PodClient(gatewayUri, await api.DeploymentPodAsync("fast-clients", "fast-client"));
            var load = new Load();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Workers)
                .Select(i => Task.Run(() => i < 6 ? load.SlowClientAsync(slow, stop.Token) : load.FastClientAsync(fast, stop.Token)))
                .ToArray();
            try
            {
                await load.CompletedAsync(200, "load flows through the gateway");

                await silo.KillAsync();
                Assert.True(silo.HasExited, "the silo process is gone");
                await Eventually.UntilAsync(async () => !await ConnectedAsync(admin, adminUri), "the gateway notices it lost its silo");
                var outage = load.Snapshot();
                await load.CompletedAsync(outage.Completed + 600, "requests keep being served with no silo process");
                var duringOutage = load.Snapshot() - outage;
                Assert.True(duringOutage.SlowV1 > 0 && duringOutage.SlowV2 > 0,
                    $"with no silo the producer route still splits smiley between v1 and v2 ({duringOutage})");
                Assert.False(await ConnectedAsync(admin, adminUri), "all of that was served while disconnected");

                successor = await StartSiloAsync(cluster.ApiUri, siloUri, admin);
                await api.ApplyAsync(MarkedRouteToV2());
                await Eventually.UntilAsync(() => load.Snapshot().Marked > 0, "the gateway resubscribed to the new silo and follows the changed route");
                var changed = load.Snapshot();
                await load.CompletedAsync(changed.Completed + 200, "load keeps flowing after the change");
                output.WriteLine($"before the kill: {outage}; with no silo: {duringOutage}; until the change: {changed}; failures so far: {load.Failures.Count}");
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(workers);
            }

            Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Snapshot().Completed} requests failed:\n  " + string.Join("\n  ", load.Failures.Take(20)));
            Assert.True(await ConnectedAsync(admin, adminUri), "the gateway is connected again");
            var proxies = JsonNode.Parse(await admin.GetStringAsync(new Uri(siloUri, "api/v1/proxies")))!.AsArray();
            Assert.Contains(proxies, p => p?["proxy"]?.GetValue<string>() == "silo-kill");
            for (var i = 0; i < 20; i++)
            {
                var response = await slow.EchoAsync("http://smiley.faces/");
                Assert.Equal("2", response.Headers.GetValueOrDefault(Marker));
                Assert.StartsWith("smiley-v2-", response.Pod);
            }
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\ngateway output:\n{gateway.Output}\nsilo output:\n{silo.Output}\nnew silo output:\n{successor?.Output}", e);
        }
        finally
        {
            await silo.DisposeAsync();
            if (successor is not null)
            {
                await successor.DisposeAsync();
            }
        }
    }

    /// <summary>A silo process on <paramref name="uri"/>'s port, once its /readyz answers.</summary>
    private static async Task<MeshProcess> StartSiloAsync(Uri kubeApi, Uri uri, HttpClient http)
    {
        var silo = MeshProcess.Start(["silo", "--port", Invariant(uri.Port), "--kube-api", kubeApi.ToString(), "--parent-pid", Invariant(Environment.ProcessId)]);
        try
        {
            await Eventually.UntilAsync(async () => !silo.HasExited && (await http.GetAsync(new Uri(uri, "readyz"))).IsSuccessStatusCode,
                "the silo process is ready", TimeSpan.FromSeconds(60));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> ConnectedAsync(HttpClient http, Uri admin) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri(admin, "config")))!["connected"]!.GetValue<bool>();

    /// <summary>The demo's producer route replaced: everything to smiley-v2, answers marked with the route's version.</summary>
    private static JsonObject MarkedRouteToV2() => JsonNode.Parse($$$"""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"smiley-split","namespace":"faces"},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"smiley","port":80}],
                 "rules":[{"filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"{{{Marker}}}","value":"2"}]}}],
                           "backendRefs":[{"name":"smiley-v2","port":80}]}]}}
        """)!.AsObject();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Counts of what the load saw; subtracting two gives what happened in between.</summary>
    private sealed record Counts(long Completed, long SlowV1, long SlowV2, long Marked)
    {
        public static Counts operator -(Counts a, Counts b) =>
            new(a.Completed - b.Completed, a.SlowV1 - b.SlowV1, a.SlowV2 - b.SlowV2, a.Marked - b.Marked);
    }

    /// <summary>
    /// Closed-loop clients, each sending its next request when the last is answered. A request fails if it
    /// gets no answer, a status other than 200, or an answer the routes do not allow.
    /// </summary>
    private sealed class Load
    {
        private long _completed;
        private long _slowV1;
        private long _slowV2;
        private long _marked;

        public ConcurrentQueue<string> Failures { get; } = new();

        public Counts Snapshot() => new(Interlocked.Read(ref _completed), Interlocked.Read(ref _slowV1), Interlocked.Read(ref _slowV2), Interlocked.Read(ref _marked));

        public Task CompletedAsync(long count, string what) =>
            Eventually.UntilAsync(() => Interlocked.Read(ref _completed) >= count, what);

        /// <summary>slow-clients has no consumer route: the producer route (smiley-v1/v2, later marked v2 only) applies.</summary>
        public Task SlowClientAsync(PodClient client, CancellationToken stop) => RunAsync(client, response =>
        {
            if (response.Pod?.StartsWith("smiley-v1-", StringComparison.Ordinal) == true && !response.Headers.ContainsKey(Marker))
            {
                Interlocked.Increment(ref _slowV1);
                return null;
            }
            if (response.Pod?.StartsWith("smiley-v2-", StringComparison.Ordinal) == true)
            {
                if (response.Headers.ContainsKey(Marker))
                {
                    Interlocked.Increment(ref _marked);
                }
                else
                {
                    Interlocked.Increment(ref _slowV2);
                }
                return null;
            }
            return "not a backend of the producer route";
        }, stop);

        /// <summary>fast-clients has its consumer route: always smiley-v2, with x-client-tier: fast added.</summary>
        public Task FastClientAsync(PodClient client, CancellationToken stop) => RunAsync(client, response =>
            response.Pod?.StartsWith("smiley-v2-", StringComparison.Ordinal) == true && response.RequestHeader("x-client-tier") == "fast"
                ? null
                : "not what the consumer route sends", stop);

        private async Task RunAsync(PodClient client, Func<EchoResponse, string?> problem, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                string? failure;
                try
                {
                    var response = await client.EchoAsync("http://smiley.faces/");
                    failure = response.Status != 200 ? "status" : problem(response);
                    failure = failure is null ? null : $"{failure}: {response}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    failure = $"{e.GetType().Name}: {e.Message}";
                }
                if (failure is not null)
                {
                    Failures.Enqueue(failure);
                }
                Interlocked.Increment(ref _completed);
            }
        }
    }
}
