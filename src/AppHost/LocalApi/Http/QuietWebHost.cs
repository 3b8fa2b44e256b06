using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Mesh.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// A bare Kestrel host for the in-process servers (the API, every pod's echo): no logging providers, no
/// configuration sources, so nothing from the hosting process (ASPNETCORE_URLS, appsettings Kestrel
/// endpoints) leaks in, and only the endpoints configured here are bound; no signal handling either.
/// </summary>
internal static class QuietWebHost
{
    public static WebApplication Create(Action<KestrelServerOptions> listen, TimeSpan shutdownTimeout)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen(kestrel);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        return builder.Build();
    }

    /// <summary>The port the server actually bound, for endpoints configured with port 0.</summary>
    public static int BoundPort(WebApplication app) => MeshWebHost.ListeningAddresses(app)[0].Port;
}
