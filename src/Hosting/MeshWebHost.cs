using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hosting;

/// <summary>What the silo and gateway web hosts have in common: how they are created, found and tied to a parent.</summary>
public static class MeshWebHost
{
    /// <summary>A slim builder for a host whose listeners serve HTTP/1.1 and h2c on one port.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        // Settings come from the command line; appsettings files, if any, are read once. Reloading them
        // would keep a file watcher on the whole working directory (the repository, run locally), which
        // woke these processes at every file written under it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.SuppressCleartextHttp2Warning();
        return builder;
    }

    /// <summary>The addresses the started host listens on, in the order its listeners were configured (port 0 resolved).</summary>
    public static IReadOnlyList<Uri> ListeningAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address))
            .ToList();
    }

    /// <summary>Stops the host once the process that launched it exits, when there is one.</summary>
    public static void StopWithParent(WebApplication app, int? parentPid)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (parentPid is { } parent)
        {
            ParentProcessWatch.Start(parent, app.Lifetime.StopApplication);
        }
    }
}
