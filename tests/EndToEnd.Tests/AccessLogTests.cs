using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>A mesh whose gateway writes its access log to a file of its own.</summary>
public sealed class LoggingMesh : IAsyncLifetime
{
    public string LogFile { get; } = Path.Combine(Path.GetTempPath(), $"mesh-access-{Guid.NewGuid():N}.log");

    public DemoMesh Mesh { get; }

    public LoggingMesh() => Mesh = DemoMesh.WithGateway(options => options.AccessLog = LogFile);

    public Task InitializeAsync() => Mesh.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Mesh.DisposeAsync();
        File.Delete(LogFile);
    }

    /// <summary>The log's lines so far, parsed (the gateway appends to the file while it is read).</summary>
    public IReadOnlyList<JsonObject> Lines()
    {
        if (!File.Exists(LogFile))
        {
            return [];
        }
        using var reader = new StreamReader(new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var text = reader.ReadToEnd();
        // Only whole lines: the last one may still be half written.
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }
}

/// <summary>The access log (--access-log FILE) through real sockets: one JSON line per request, naming what routing and forwarding did.</summary>
public sealed class AccessLogTests(LoggingMesh fixture) : IClassFixture<LoggingMesh>
{
    private const string Ns = "accesslog";

    private DemoMesh Mesh => fixture.Mesh;

    private Task<JsonObject> LineForAsync(string path) => Eventually.HoldsAsync(
        () => Task.FromResult(fixture.Lines().LastOrDefault(l => l["path"]?.GetValue<string>() == path)),
        line => line is not null, $"a line for {path}")!;

    /// <summary>
    /// A backend behind Service <paramref name="name"/> and its route, and a client once the route is in
    /// force: the rule answering /warmup must set x-route to the name.
    /// </summary>
    private async Task<Routed> RoutedAsync(string name, string rulesJson)
    {
        var backend = await RecordingBackend.StartAsync();
        await Mesh.Api.ApplyNamespaceAsync(Ns);
        await backend.RegisterAsync(Mesh.Api, Ns, name);
        await Mesh.Api.ApplyRouteAsync(Ns, name, name, rulesJson);
        var client = await Mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        await Eventually.HoldsAsync(() => client.EchoAsync($"http://{name}.{Ns}/warmup"),
            r => r.Headers.TryGetValue("x-route", out var mark) && mark == name, "the route is in force");
        return new Routed(backend, client);
    }

    private sealed record Routed(RecordingBackend Backend, PodClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_retried_request_is_one_line_with_its_route_endpoint_attempts_and_bytes()
    {
        await using var routed = await RoutedAsync("logged", """
            [{"retry":{"codes":[503],"attempts":2},
              "filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-route","value":"logged"}]}}],
              "backendRefs":[{"name":"logged","port":80}]}]
            """);
        var (backend, client) = (routed.Backend, routed.Client);
        var podIP = client.Pod.IP;

        backend.AnswerNext(503);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://logged.accesslog/order?id=7") { Content = new StringContent("payload") };
        using var answer = await client.SendAsync(request);
        Assert.Equal(200, (int)answer.StatusCode);

        var line = await LineForAsync("/order?id=7");
        Assert.Equal(podIP, line["client"]!.GetValue<string>());
        Assert.Equal("POST", line["method"]!.GetValue<string>());
        Assert.Equal("logged.accesslog", line["authority"]!.GetValue<string>());
        Assert.Equal("HTTP/1.1", line["protocol"]!.GetValue<string>());
        Assert.Equal(200, line["status"]!.GetValue<int>());
        Assert.Equal("accesslog/logged", line["service"]!.GetValue<string>());
        Assert.Equal("accesslog/logged", line["route"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{backend.Port}", line["endpoint"]!.GetValue<string>());
        Assert.Equal(2, line["attempts"]!.GetValue<int>());
        Assert.Equal("recorded".Length, line["bytes"]!.GetValue<long>());
        Assert.True(line["durationMs"]!.GetValue<double>() >= 0);
        Assert.True(DateTimeOffset.TryParse(line["time"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task A_request_the_proxy_answers_itself_names_no_endpoint()
    {
        using var client = await Mesh.ClientInDeploymentAsync("slow-clients", "slow-client");

        var answer = await client.EchoAsync("http://nothing-here.nowhere/missing");
        Assert.Equal(404, answer.Status);

        var line = await LineForAsync("/missing");
        Assert.Equal(404, line["status"]!.GetValue<int>());
        Assert.Null(line["endpoint"]);
        Assert.Null(line["service"]);
        Assert.Equal(0, line["attempts"]!.GetValue<int>());
        Assert.Equal(answer.Text.Length, line["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task Each_request_is_one_line_however_it_ends()
    {
        // Forwarded straight (the forwarder ends the request), forwarded after its body was read for a
        // retry (the forwarder, with the proxy waiting around it), and answered by the proxy itself.
        await using var routed = await RoutedAsync("counted", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/retried"}}],"retry":{"codes":[503],"attempts":2},
              "backendRefs":[{"name":"counted","port":80}]},
             {"filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-route","value":"counted"}]}}],
              "backendRefs":[{"name":"counted","port":80}]}]
            """);
        var client = routed.Client;
        var id = Guid.NewGuid().ToString("N");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await client.EchoAsync($"http://counted.accesslog/straight-{id}-{i}")).Status);
        }
        using (var retried = new HttpRequestMessage(HttpMethod.Post, $"http://counted.accesslog/retried/{id}") { Content = new StringContent("body") })
        {
            using var answer = await client.SendAsync(retried);
            Assert.Equal(200, (int)answer.StatusCode);
        }
        Assert.Equal(404, (await client.EchoAsync($"http://nothing-here.nowhere/unrouted-{id}")).Status);

        string[] paths = [$"/straight-{id}-0", $"/straight-{id}-1", $"/straight-{id}-2", $"/retried/{id}", $"/unrouted-{id}"];
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Lines()), lines => paths.All(p => lines.Any(l => l["path"]?.GetValue<string>() == p)),
            "a line for every request");
        await Task.Delay(200); // A second line, were one written, would follow at once.
        var all = fixture.Lines();
        foreach (var path in paths)
        {
            Assert.Single(all, l => l["path"]?.GetValue<string>() == path);
        }
    }
}
