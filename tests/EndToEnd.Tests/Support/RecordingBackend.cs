using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A backend the test controls and inspects: it records every request it receives and answers with
/// the next status from a script (then 200). Registered in the cluster as a selector-less Service with
/// a hand-written EndpointSlice, exactly as an external workload would be.
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
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new RecordingBackend(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            backend.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            context.Response.StatusCode = backend._script.TryDequeue(out var status) ? status : 200;
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

    /// <summary>Makes this backend the endpoints of Service ns/name (port 80).</summary>
    public async Task RegisterAsync(KubeApi api, string ns, string name) =>
        await RegisterEndpointsAsync(api, ns, name, [("127.0.0.1", Port)]);

    public static async Task RegisterEndpointsAsync(KubeApi api, string ns, string name, IEnumerable<(string Address, int Port)> endpoints)
    {
        var list = endpoints.ToList();
        await api.ApplyAsync(KubeApi.Collection("v1", "services", ns), new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["ports"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "http", ["port"] = 80 }),
            },
        });
        var slice = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = $"{name}-manual",
                ["namespace"] = ns,
                ["labels"] = new System.Text.Json.Nodes.JsonObject { ["kubernetes.io/service-name"] = name },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = new System.Text.Json.Nodes.JsonArray(list.Select(e => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["addresses"] = new System.Text.Json.Nodes.JsonArray(e.Address),
                ["conditions"] = new System.Text.Json.Nodes.JsonObject { ["ready"] = true },
            }).ToArray()),
            ["ports"] = new System.Text.Json.Nodes.JsonArray(list.Select(e => e.Port).Distinct().Take(1)
                .Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = "http", ["port"] = p, ["protocol"] = "TCP" }).ToArray()),
        };
        await api.ApplyAsync(KubeApi.Collection("discovery.k8s.io/v1", "endpointslices", ns), slice);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
