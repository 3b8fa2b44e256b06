using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class DeploymentTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task A_deployment_runs_its_replicas_as_pods_with_their_own_addresses()
    {
        var ns = await cluster.NewNamespaceAsync();
        var deployment = await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "echo", 2));
        using (var timeout = new CancellationTokenSource(Eventually.DefaultDeadline))
        {
            await cluster.Cluster.WaitForPodsReadyAsync(timeout.Token);
        }

        var pods = await Api.ListAsync($"/api/v1/namespaces/{ns}/pods");
        Assert.Equal(2, pods.Count);
        Assert.Equal(2, pods.Select(Pods.Ip).Distinct().Count());
        foreach (var pod in pods)
        {
            Assert.Matches("^echo-[0-9a-f]{10}-[a-z0-9]{5}$", (string)pod["metadata"]!["name"]!);
            Assert.StartsWith($"127.1.{cluster.Network}.", Pods.Ip(pod));
            Assert.Equal(Pods.Ip(pod), (string)pod["status"]!["podIPs"]![0]!["ip"]!);
            Assert.Equal("Running", (string)pod["status"]!["phase"]!);
            Assert.True(Pods.IsReady(pod));
            Assert.Equal("local", (string)pod["spec"]!["nodeName"]!);
            Assert.Equal("echo", (string)pod["metadata"]!["labels"]!["app"]!);
            Assert.Matches("^[0-9a-f]{10}$", (string)pod["metadata"]!["labels"]!["pod-template-hash"]!);
            var owner = pod["metadata"]!["ownerReferences"]![0]!;
            Assert.Equal("Deployment", (string)owner["kind"]!);
            Assert.Equal((string)deployment["metadata"]!["uid"]!, (string)owner["uid"]!);
            Assert.True((bool)owner["controller"]!);
        }

        var status = await Eventually.ValueAsync(async () =>
        {
            var current = await Api.GetOkAsync($"/apis/apps/v1/namespaces/{ns}/deployments/echo");
            return (int?)current["status"]?["readyReplicas"] == 2 ? current["status"]!.AsObject() : null;
        }, "deployment status");
        Assert.Equal(2, (int)status["replicas"]!);
        Assert.Equal(2, (int)status["availableReplicas"]!);
    }

    [Fact]
    public async Task The_echo_answers_http1_h2c_and_grpc_and_obeys_its_headers()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "echo", 1, image: "gcr.io/k8s-staging-gateway-api/echo-basic:v1", port: 3000));
        var pod = Assert.Single(await Pods.WaitForReadyAsync(Api, ns, "app=echo", 1));
        var baseUri = $"http://{Pods.Ip(pod)}:3000";
        using var http1 = new HttpClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUri}/some/path?q=1&r=two");
        request.Headers.Add("X-Test", ["one", "two"]);
        using var response = await http1.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("GET", (string)echo["method"]!);
        Assert.Equal("/some/path?q=1&r=two", (string)echo["path"]!);
        Assert.Equal($"{Pods.Ip(pod)}:3000", (string)echo["host"]!);
        Assert.Equal("HTTP/1.1", (string)echo["proto"]!);
        Assert.Equal(["one, two"], echo["headers"]!["x-test"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(ns, (string)echo["namespace"]!);
        Assert.Equal((string)pod["metadata"]!["name"]!, (string)echo["pod"]!);

        var repeated = await RawHttp1Async(Pods.Ip(pod), 3000, "GET /raw HTTP/1.1\r\nHost: raw\r\nX-Test: one\r\nX-Test: two\r\nConnection: close\r\n\r\n");
        Assert.Equal(["one", "two"], repeated["headers"]!["x-test"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("raw", (string)repeated["host"]!);

        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var overH2 = JsonNode.Parse(await h2c.GetStringAsync($"{baseUri}/h2"))!;
        Assert.Equal("HTTP/2", (string)overH2["proto"]!);
        Assert.Equal("/h2", (string)overH2["path"]!);

        using var failing = new HttpRequestMessage(HttpMethod.Post, $"{baseUri}/fail") { Content = new StringContent("ignored body") };
        failing.Headers.Add("x-echo-status", "503");
        using var failed = await http1.SendAsync(failing);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("POST", (string)JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["method"]!);

        using var slow = new HttpRequestMessage(HttpMethod.Get, $"{baseUri}/slow");
        slow.Headers.Add("x-echo-delay-ms", "300");
        var clock = Stopwatch.StartNew();
        using var delayed = await http1.SendAsync(slow);
        Assert.Equal(HttpStatusCode.OK, delayed.StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 290, $"answered after {clock.ElapsedMilliseconds} ms");

        using var grpc = new HttpRequestMessage(HttpMethod.Post, $"{baseUri}/echo.Echo/Say")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 2, 0x0A, 0x00]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        grpc.Content.Headers.ContentType = new("application/grpc");
        grpc.Headers.TE.ParseAdd("trailers");
        using var grpcResponse = await h2c.SendAsync(grpc);
        Assert.Equal(HttpStatusCode.OK, grpcResponse.StatusCode);
        Assert.Equal("application/grpc", grpcResponse.Content.Headers.ContentType!.MediaType);
        var frame = await grpcResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(0, frame[0]);
        var length = (frame[1] << 24) | (frame[2] << 16) | (frame[3] << 8) | frame[4];
        Assert.Equal(frame.Length - 5, length);
        Assert.Equal(0x0A, frame[5]);
        var (jsonLength, varintBytes) = ReadVarint(frame.AsSpan(6));
        Assert.Equal(length - 1 - varintBytes, jsonLength);
        var grpcEcho = JsonNode.Parse(frame.AsSpan(6 + varintBytes))!;
        Assert.Equal("/echo.Echo/Say", (string)grpcEcho["path"]!);
        Assert.Equal("HTTP/2", (string)grpcEcho["proto"]!);
        Assert.Equal("0", grpcResponse.TrailingHeaders.GetValues("grpc-status").Single());
    }

    [Fact]
    public async Task Scaling_by_put_adds_and_removes_pods_and_frees_their_addresses()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/scaled";
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "scaled", 1));
        await Pods.WaitForReadyAsync(Api, ns, "app=scaled", 1);

        await SetReplicasAsync(path, 3);
        var three = await Pods.WaitForReadyAsync(Api, ns, "app=scaled", 3);
        foreach (var pod in three)
        {
            Assert.True(await Pods.IsListeningAsync(Pods.Ip(pod), 8080));
        }

        await SetReplicasAsync(path, 1);
        var one = Assert.Single(await Pods.WaitForReadyAsync(Api, ns, "app=scaled", 1));
        foreach (var removed in three.Where(p => Pods.Ip(p) != Pods.Ip(one)))
        {
            await Eventually.UntilAsync(async () => !await Pods.IsListeningAsync(Pods.Ip(removed), 8080), $"{Pods.Ip(removed)} to stop listening");
        }
    }

    [Fact]
    public async Task A_changed_template_replaces_the_pods()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/rolled";
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "rolled", 2));
        var before = await Pods.WaitForReadyAsync(Api, ns, "app=rolled", 2);

        await Api.UpdateAsync(path, d => d["spec"]!["template"]!["metadata"]!["labels"]!["version"] = "two");

        var after = await Pods.WaitForReadyAsync(Api, ns, "app=rolled,version=two", 2);
        Assert.Empty(after.Select(p => (string)p["metadata"]!["name"]!).Intersect(before.Select(p => (string)p["metadata"]!["name"]!)));
        await Pods.WaitForReadyAsync(Api, ns, "app=rolled", 2);
    }

    [Fact]
    public async Task Deleting_a_deployment_deletes_its_pods()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "doomed", 2));
        var pods = await Pods.WaitForReadyAsync(Api, ns, "app=doomed", 2);
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteAsync($"/apis/apps/v1/namespaces/{ns}/deployments/doomed")).Status);
        await Eventually.UntilAsync(async () => (await Api.ListAsync($"/api/v1/namespaces/{ns}/pods")).Count == 0, "pods to go");
        foreach (var pod in pods)
        {
            await Eventually.UntilAsync(async () => !await Pods.IsListeningAsync(Pods.Ip(pod), 8080), $"{Pods.Ip(pod)} to stop listening");
        }
    }

    [Fact]
    public async Task Pods_created_directly_get_an_address_and_run_only_echo_images()
    {
        var ns = await cluster.NewNamespaceAsync();
        foreach (var (name, image) in new[] { ("direct-echo", "mesh/echo"), ("direct-other", "nginx:1.27") })
        {
            await Api.CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kind"] = "direct" } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "main",
                        ["image"] = image,
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 9000 }),
                    }),
                },
            });
        }
        var pods = (await Pods.WaitForReadyAsync(Api, ns, "kind=direct", 2)).ToDictionary(p => (string)p["metadata"]!["name"]!);
        Assert.All(pods.Values, p => Assert.Equal("Running", (string)p["status"]!["phase"]!));
        Assert.True(await Pods.IsListeningAsync(Pods.Ip(pods["direct-echo"]), 9000));
        Assert.False(await Pods.IsListeningAsync(Pods.Ip(pods["direct-other"]), 9000));
    }

    private Task SetReplicasAsync(string path, int replicas) => Api.UpdateAsync(path, d => d["spec"]!["replicas"] = replicas);

    private static async Task<JsonNode> RawHttp1Async(string ip, int port, string request)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Parse(ip), port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        var response = await new StreamReader(stream).ReadToEndAsync();
        return JsonNode.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!;
    }

    private static (int Value, int Bytes) ReadVarint(ReadOnlySpan<byte> bytes)
    {
        var value = 0;
        for (var i = 0; ; i++)
        {
            value |= (bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                return (value, i + 1);
            }
        }
    }
}
