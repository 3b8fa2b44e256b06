using System.Net;
using Mesh.Hosting;
using Mesh.Silo.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// The silo's real subscription endpoint on a free loopback port, fed by a hub the test drives directly:
/// for tests that need exact control of what changes, and how often.
/// </summary>
public sealed class HubSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubSilo(WebApplication app, SubscriptionHub hub)
    {
        _app = app;
        Hub = hub;
    }

    public SubscriptionHub Hub { get; }
    public Uri Uri => MeshWebHost.ListeningAddresses(_app)[0];

    public static async Task<HubSilo> StartAsync(SubscriptionOptions? options = null)
    {
        var hub = new SubscriptionHub();
        hub.MarkInitialized();
        var builder = MeshWebHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MinRequestBodyDataRate = null; // As SiloHost sets it: the request body stays open and silent.
        });
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton(options ?? new SubscriptionOptions());
        var app = builder.Build();
        app.MapSubscriptions();
        await app.StartAsync();
        return new HubSilo(app, hub);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
