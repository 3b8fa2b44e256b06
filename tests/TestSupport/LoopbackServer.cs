using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.TestSupport;

/// <summary>A small web server a test runs as a backend or a fake API: quiet, on 127.0.0.1 at a free port.</summary>
public static class LoopbackServer
{
    /// <summary>Builds the app, lets <paramref name="pipeline"/> set up its request handling, and starts it.</summary>
    public static async Task<WebApplication> StartAsync(Action<WebApplication> pipeline, Action<ListenOptions>? listen = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, options => listen?.Invoke(options));
            kestrel?.Invoke(k);
        });
        var app = builder.Build();
        try
        {
            pipeline(app);
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The address a started server listens on.</summary>
    public static Uri Address(WebApplication app) => new(app.Urls.First());
}
