using System.Net;
using Mesh.AppHost.LocalApi.Http;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.AppHost.Echo;

/// <summary>One pod's echo: HTTP/1.1 and h2c on each of its container ports, bound to the pod's address.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app) => _app = app;

    public static async Task<EchoServer> StartAsync(IPAddress address, IReadOnlyCollection<int> ports, string ns, string pod, CancellationToken ct)
    {
        // A deleted pod's connections are cut short rather than drained: the pod is gone.
        var app = QuietWebHost.Create(kestrel =>
        {
            foreach (var port in ports)
            {
                kestrel.Listen(address, port, listen => listen.UseHttp1AndH2c());
            }
        }, TimeSpan.FromMilliseconds(500));
        app.Run(new EchoHandler(ns, pod).HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new EchoServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
