using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Tests;

/// <summary>
/// A stand-in API server on a free loopback port that answers as the test scripts it, and records each
/// call as "list" or "watch {resourceVersion}" (other paths as "{method} {path}").
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private FakeApiServer(WebApplication app) => _app = app;

    public Uri Uri { get; private set; } = null!;

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Cancelled when the server is disposed: held-open watch streams wait on it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public static async Task<FakeApiServer> StartAsync(Func<FakeApiServer, HttpContext, Task> serve, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var server = new FakeApiServer(builder.Build());
        server._app.Run(context =>
        {
            var watch = context.Request.Query.ContainsKey("watch");
            server.Calls.Enqueue(
                watch ? $"watch {context.Request.Query["resourceVersion"]}"
                : context.Request.Method == "GET" && context.Request.Path.Value!.EndsWith('s') ? "list"
                : $"{context.Request.Method} {context.Request.Path}");
            return serve(server, context);
        });
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>A client of this server with no credentials (plain HTTP).</summary>
    public KubernetesClient Client()
    {
        var connection = KubernetesConnection.Resolve(Uri.ToString());
        return new KubernetesClient(KubernetesHttp.CreateClient(connection), connection);
    }

    /// <summary>Runs <paramref name="informer"/> against this server until it has made <paramref name="calls"/> calls (30 s at most), then stops it.</summary>
    public async Task RunUntilCallsAsync(Informer informer, int calls)
    {
        ArgumentNullException.ThrowIfNull(informer);
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && Calls.Count < calls)
        {
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        await running;
    }

    /// <summary>Holds a watch stream open until the client goes or the test ends.</summary>
    public async Task HoldOpenAsync(HttpContext context)
    {
        await context.Response.Body.FlushAsync();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(Stopping, context.RequestAborted);
        await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
