using System.Net;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// The silo's subscription endpoint alone (Kestrel, h2c) on a free loopback port, serving a hub its
/// caller feeds directly: for benchmarks and tests that need exact control of what changes, and when.
/// </summary>
public sealed class SubscriptionServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SubscriptionServer(WebApplication app, SubscriptionHub hub)
    {
        _app = app;
        Hub = hub;
    }

    public SubscriptionHub Hub { get; }

    public Uri Uri => MeshWebHost.ListeningAddresses(_app)[0];

    /// <param name="hub">The hub to serve; a new, initialized one when null.</param>
    public static async Task<SubscriptionServer> StartAsync(SubscriptionHub? hub = null, SubscriptionOptions? options = null)
    {
        if (hub is null)
        {
            hub = new SubscriptionHub();
            hub.MarkInitialized();
        }
        var builder = MeshWebHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MinRequestBodyDataRate = null; // As SiloHost sets it: a subscription's request body stays open and silent.
        });
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton(options ?? new SubscriptionOptions());
        var app = builder.Build();
        app.MapSubscriptions();
        await app.StartAsync().ConfigureAwait(false);
        return new SubscriptionServer(app, hub);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
