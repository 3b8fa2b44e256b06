using System.Net;
using Mesh.Gateway.Admin;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Front;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Proxy;
using Mesh.Gateway.Subscription;
using Mesh.Gateway.Tables;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway;

/// <summary>Builds a proxy node: subscription → tables → the request path on the traffic listener.</summary>
public static class GatewayHost
{
    public static WebApplication Build(GatewayOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EventLoops is { } loops)
        {
            if (loops < 1)
            {
                throw new ArgumentException($"--event-loops must be at least 1, not {loops}.");
            }
            if (!Sockets.EventLoops.Configure(loops))
            {
                throw new InvalidOperationException($"--event-loops {loops}: this process's event loops are set to another count already.");
            }
        }
        var builder = MeshWebHost.CreateBuilder();
        // Kestrel hands each connection's reads to the thread pool rather than running requests on the
        // socket's I/O thread. Inline, a few busy connections could hold an I/O thread while the others
        // queued behind it: a packet capture showed ten of 32 connections unanswered for 130 ms while
        // five were served, and a p99 of 8-20 ms over HTTP/1.1. Off, the p99 was 2.5-4.9 ms, and h2c
        // serves about 40% more requests for a third less CPU each (docs/performance.md).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = false);
        // While ASP.NET Core's hosting log is enabled at any level it opens a log scope and an Activity
        // for every request: work a proxy does millions of times for nothing (the access log and
        // metrics say what happened). A passed-on traceparent does not need it.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A proxy-form request is routed by its URI; RFC 9112 says a Host header that disagrees is replaced.
            kestrel.AllowHostHeaderOverride = true;
            kestrel.Limits.MaxRequestBodySize = null; // Bodies stream through; the proxy never holds them.
            // Hostile clients: headers beyond 32 KiB get 431 and request lines beyond 8 KiB 414 (Kestrel's
            // defaults, kept); slow senders are cut off; connections and streams are capped.
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.HeaderTimeoutSeconds);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            var traffic = options.LeanFront
                ? new LeanFrontEndPoint(IPAddress.Parse(options.Listen), options.Port)
                : new IPEndPoint(IPAddress.Parse(options.Listen), options.Port);
            kestrel.Listen(traffic, listen => listen.UseHttp1AndH2c());
            kestrel.Listen(IPAddress.Parse(options.Listen), options.AdminPort, listen => listen.Use(next => connection =>
            {
                connection.Items[GatewayAdmin.ConnectionItem] = true;
                return next(connection);
            }));
        });
        builder.Services.AddSingleton(options);
        if (options.LeanFront)
        {
            // Binds only the traffic endpoint; the admin port stays on Kestrel's socket transport.
            builder.Services.AddSingleton<IConnectionListenerFactory, LeanFrontTransportFactory>();
        }
        builder.Services.AddSingleton<TableHolder>();
        builder.Services.AddSingleton<HttpForwarder>();
        builder.Services.AddSingleton<MirrorSender>();
        builder.Services.AddSingleton<MeshProxy>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton(sp => AccessLog.For(options, sp.GetRequiredService<GatewayMetrics>()));
        builder.Services.AddSingleton<GatewayAdmin>();
        builder.Services.AddSingleton<ServiceDemand>();
        builder.Services.AddSingleton<SiloSubscriptionClient>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloSubscriptionClient>());
        configure?.Invoke(builder);

        var app = builder.Build();
        var proxy = app.Services.GetRequiredService<MeshProxy>();
        var admin = app.Services.GetRequiredService<GatewayAdmin>();
        app.Run(context => IsAdminConnection(context) ? admin.HandleAsync(context) : proxy.HandleAsync(context).AsTask());
        MeshWebHost.StopWithParent(app, options.ParentPid);
        return app;
    }

    private static bool IsAdminConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(GatewayAdmin.ConnectionItem) == true;

    /// <summary>Completes when the gateway holds its first complete tables.</summary>
    public static Task Ready(WebApplication app) =>
        (app ?? throw new ArgumentNullException(nameof(app))).Services.GetRequiredService<TableHolder>().Ready;

    /// <summary>The address of the traffic listener, once started (resolves port 0).</summary>
    public static Uri Address(WebApplication app) => MeshWebHost.ListeningAddresses(app)[0];

    /// <summary>The address of the admin listener, once started.</summary>
    public static Uri AdminAddress(WebApplication app) => MeshWebHost.ListeningAddresses(app)[1];
}
