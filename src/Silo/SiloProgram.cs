using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Silo;

/// <summary>The silo's command line: flags bind to <see cref="SiloOptions"/> (--port, --kube-api, ...).</summary>
public static class SiloProgram
{
    public static async Task RunAsync(string[] args)
    {
        await using var app = SiloHost.Build(CommandLineOptions.Parse<SiloOptions>(args));
        await app.RunAsync().ConfigureAwait(false);
    }
}
