using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Gateway;

/// <summary>The gateway's command line; prints "gateway ready" once it holds its first tables.</summary>
public static class GatewayProgram
{
    public const string ReadyLine = "gateway ready";

    public static async Task RunAsync(string[] args)
    {
        await using var app = GatewayHost.Build(CommandLineOptions.Parse<GatewayOptions>(args));
        await app.StartAsync().ConfigureAwait(false);
        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            await GatewayHost.Ready(app).WaitAsync(stopping).ConfigureAwait(false);
            Console.Out.WriteLine(ReadyLine);
            await Console.Out.FlushAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        await app.WaitForShutdownAsync().ConfigureAwait(false);
    }
}
