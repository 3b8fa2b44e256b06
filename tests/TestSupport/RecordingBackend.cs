using System.Collections.Concurrent;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.TestSupport;

/// <summary>
/// A backend the test controls and inspects (HTTP/1.1 and h2c): it records every request and answers
/// with the next status of its script (then 200); gRPC calls get grpc-status 0. It joins the cluster as
/// a selector-less Service with a hand-written EndpointSlice, as an external workload would.
/// </summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _script = new();
    private WebApplication? _app;

    private RecordingBackend()
    {
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Port { get; private set; }

    public static async Task<RecordingBackend> StartAsync()
    {
        var backend = new RecordingBackend();
        backend._app = await LoopbackServer.StartAsync(app => app.Run(backend.RecordAsync), listen => listen.UseHttp1AndH2c());
        backend.Port = LoopbackServer.Address(backend._app).Port;
        return backend;
    }

    private async Task RecordAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));
        context.Response.StatusCode = _script.TryDequeue(out var status) ? status : 200;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 0 });
            context.Response.AppendTrailer("grpc-status", "0");
            return;
        }
        await context.Response.WriteAsync("recorded");
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
    public Task RegisterAsync(KubeApi api, string ns, string name, int servicePort = 80, string? appProtocol = null) =>
        SelectorlessService.ApplyAsync(api, ns, name, [("127.0.0.1", Port)], servicePort, appProtocol);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
