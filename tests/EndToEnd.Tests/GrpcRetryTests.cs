using System.Collections.Concurrent;
using System.Net;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// HTTPRoute retries for gRPC calls through real sockets: a trailers-only failure counts as the HTTP
/// status its grpc-status maps to, so retry codes [503] retry UNAVAILABLE and codes [500] do not. Also
/// the gRPC status the proxy itself answers a GRPCRoute rule with when it has no backend to pick.
/// </summary>
public sealed class GrpcRetryTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private const string Ns = "grpcretry";

    /// <summary>
    /// An h2c gRPC server that answers the next calls with scripted statuses, trailers-only (grpc-status
    /// in the headers, no message), and then with one empty message and grpc-status 0 as a trailer.
    /// </summary>
    private sealed class ScriptedGrpcBackend : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ScriptedGrpcBackend(WebApplication app) => _app = app;

        public ConcurrentQueue<int> Script { get; } = new();
        public ConcurrentQueue<string> Calls { get; } = new();
        public int Port => new Uri(_app.Urls.First()).Port;

        public static async Task<ScriptedGrpcBackend> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            var backend = new ScriptedGrpcBackend(app);
            app.Run(async context =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                backend.Calls.Enqueue(context.Request.Path.Value!);
                context.Response.ContentType = "application/grpc";
                if (backend.Script.TryDequeue(out var failure))
                {
                    context.Response.Headers["grpc-status"] = failure.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return; // No body and no trailers: Kestrel sends one HEADERS frame that ends the stream.
                }
                await context.Response.Body.WriteAsync(new byte[5]); // One message, uncompressed, zero bytes long.
                context.Response.AppendTrailer("grpc-status", "0");
            });
            await app.StartAsync();
            return backend;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<(string? GrpcStatus, string? Mark)> CallAsync(PodClient client, string method, string service = "flaky")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{service}.{Ns}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 2, 0x0a, 0x00]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await client.SendOriginFormAsync(request); // h2c straight to the gateway, as a gRPC client sends.
        await response.Content.ReadAsByteArrayAsync();
        // grpc-status is a trailer after messages, or a header of a trailers-only answer.
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.First() : null;
        var mark = response.Headers.TryGetValues("x-route", out var marks) ? marks.First() : null;
        return (status, mark);
    }

    [Fact]
    public async Task Trailers_only_UNAVAILABLE_is_retried_as_a_503()
    {
        await using var backend = await ScriptedGrpcBackend.StartAsync();
        await mesh.Api.ApplyNamespaceAsync(Ns);
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, "flaky", [("127.0.0.1", backend.Port)]);
        await mesh.Api.ApplyRouteAsync(Ns, "flaky", "flaky", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/pkg.Retried"}}],
              "retry":{"codes":[503],"attempts":2},
              "filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-route","value":"flaky"}]}}],
              "backendRefs":[{"name":"flaky","port":80}]},
             {"matches":[{"path":{"type":"PathPrefix","value":"/pkg.NotRetried"}}],
              "retry":{"codes":[500],"attempts":2},
              "backendRefs":[{"name":"flaky","port":80}]}]
            """);
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        // Until the route is in force calls pass straight through, without retries: wait for its mark.
        await Eventually.HoldsAsync(() => CallAsync(client, "pkg.Retried/Warmup"), r => r.Mark == "flaky", "the route is in force");
        backend.Calls.Clear();

        backend.Script.Enqueue(14);
        var retried = await CallAsync(client, "pkg.Retried/Call");
        Assert.Equal("0", retried.GrpcStatus);
        Assert.Equal(["/pkg.Retried/Call", "/pkg.Retried/Call"], backend.Calls);

        backend.Calls.Clear();
        backend.Script.Enqueue(14);
        var notRetried = await CallAsync(client, "pkg.NotRetried/Call");
        Assert.Equal("14", notRetried.GrpcStatus); // UNAVAILABLE is a 503, and this route retries 500 only.
        Assert.Equal(["/pkg.NotRetried/Call"], backend.Calls);
    }

    [Fact]
    public async Task Trailers_only_UNAVAILABLE_answers_eject_the_endpoint_like_5xx()
    {
        await using var backend = await ScriptedGrpcBackend.StartAsync();
        await mesh.Api.ApplyNamespaceAsync(Ns);
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, "failing", [("127.0.0.1", backend.Port)]);
        await mesh.Api.ApplyRouteAsync(Ns, "failing", "failing", """
            [{"filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-route","value":"flaky"}]}}],
              "backendRefs":[{"name":"failing","port":80}]}]
            """);
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        await Eventually.HoldsAsync(() => CallAsync(client, "pkg.Failing/Warmup", "failing"), r => r.Mark == "flaky", "the route is in force");

        for (var i = 0; i < 5; i++) // EndpointState.FailuresToEject consecutive failures.
        {
            backend.Script.Enqueue(14);
            Assert.Equal("14", (await CallAsync(client, "pkg.Failing/Call", "failing")).GrpcStatus);
        }

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(mesh.GatewayAdminUri, "metrics"));
        Assert.Contains($"mesh_gateway_endpoint_ejections_total{{service=\"{Ns}/failing\",endpoint=\"127.0.0.1:{backend.Port}\"}} 1", metrics);
    }

    [Fact]
    public async Task A_GRPCRoute_rule_whose_backends_all_weigh_zero_answers_UNAVAILABLE()
    {
        await using var backend = await ScriptedGrpcBackend.StartAsync();
        await mesh.Api.ApplyNamespaceAsync(Ns);
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, "weightless", [("127.0.0.1", backend.Port)]);
        await mesh.Api.ApplyAsync(System.Text.Json.Nodes.JsonNode.Parse($$$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"weightless","namespace":"{{{Ns}}}"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"weightless","port":80}],
                     "rules":[{"backendRefs":[{"name":"weightless","port":80,"weight":0}]}]}}
            """)!.AsObject());
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");

        // Before the route is in force the call reaches the backend (status 0); then UNAVAILABLE, not INTERNAL.
        await Eventually.HoldsAsync(() => CallAsync(client, "pkg.Weightless/Call", "weightless"), r => r.GrpcStatus != "0", "the route is in force");
        backend.Calls.Clear();
        Assert.Equal("14", (await CallAsync(client, "pkg.Weightless/Call", "weightless")).GrpcStatus);
        Assert.Empty(backend.Calls);
    }
}
