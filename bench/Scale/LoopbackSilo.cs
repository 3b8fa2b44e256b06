using System.Net;
using Mesh.Hosting;
using Mesh.Silo.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Bench.Scale;

/// <summary>The silo's real subscription endpoint (Kestrel, h2c) on a free loopback port, serving a hub the bench feeds.</summary>
public sealed class LoopbackSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackSilo(WebApplication app) => _app = app;

    public Uri Uri => MeshWebHost.ListeningAddresses(_app)[0];

    public static async Task<LoopbackSilo> StartAsync(SubscriptionHub hub)
    {
        var builder = MeshWebHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MinRequestBodyDataRate = null; // As the silo: subscription request bodies stay open and silent.
        });
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton(new SubscriptionOptions());
        var app = builder.Build();
        app.MapSubscriptions();
        await app.StartAsync();
        return new LoopbackSilo(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
