using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// A backend the test controls and inspects (HTTP/1.1 and h2c): it records every request and answers
/// with the next status of its script (then 200); gRPC calls get grpc-status 0. It joins the cluster as
/// a selector-less Service with a hand-written EndpointSlice, as an external workload would.
/// </summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();

    private RecordingBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Port { get; private set; }

    public static async Task<RecordingBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttp1AndH2c()));
        var app = builder.Build();
        var backend = new RecordingBackend(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            backend.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Protocol,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            context.Response.StatusCode = backend._script.TryDequeue(out var status) ? status : 200;
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 0 });
                context.Response.AppendTrailer("grpc-status", "0");
                return;
            }
            await context.Response.WriteAsync("recorded");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    /// <summary>The next requests get these statuses, in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    /// <summary>Makes this backend the only endpoint of Service ns/name, on <paramref name="servicePort"/>.</summary>
    public async Task RegisterAsync(KubeApi api, string ns, string name, int servicePort = 80, string? appProtocol = null)
    {
        var port = new JsonObject { ["name"] = "http", ["port"] = servicePort, ["targetPort"] = Port };
        if (appProtocol is not null)
        {
            port["appProtocol"] = appProtocol;
        }
        await api.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(port) },
        });
        var slicePort = new JsonObject { ["name"] = "http", ["port"] = Port, ["protocol"] = "TCP" };
        if (appProtocol is not null)
        {
            slicePort["appProtocol"] = appProtocol;
        }
        await api.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-recording",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray("127.0.0.1"),
                ["conditions"] = new JsonObject { ["ready"] = true },
            }),
            ["ports"] = new JsonArray(slicePort),
        });
    }

    /// <summary>Removes the Service and EndpointSlice <see cref="RegisterAsync"/> made.</summary>
    public static async Task UnregisterAsync(KubeApi api, string ns, string name)
    {
        await api.DeleteAsync($"{KubeApi.Collection("discovery.k8s.io/v1", "endpointslices", ns)}/{name}-recording");
        await api.DeleteAsync($"{KubeApi.Collection("v1", "services", ns)}/{name}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, string Protocol, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
