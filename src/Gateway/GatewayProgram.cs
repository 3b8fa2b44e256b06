using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Gateway;

/// <summary>The gateway's command line; prints "gateway ready" once it holds its first tables.</summary>
public static class GatewayProgram
{
    public const string ReadyLine = "gateway ready";

    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task RunAsync(string[] args)
    {
        // Socket completions run on the epoll thread instead of hopping to the thread pool: on a small
        // node this raised proxied HTTP/1.1 throughput by about a fifth here. Read once, before the
        // first socket exists; the request path never blocks, which this setting requires. On Linux the
        // traffic's own sockets wait on the gateway's event loops (Sockets/) instead; this still serves
        // the accept loop and the sockets .NET opens (Kestrel's listeners, SocketsHttpHandler).
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
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
