using System.Runtime.InteropServices;
using Mesh.AppHost;
using Mesh.AppHost.Orchestration;
using Mesh.Gateway;
using Mesh.Hosting;
using Mesh.Silo;

// One executable, three roles: with no role it runs the whole local mesh and launches itself again
// as "silo" and as "gateway", so those run as separate processes exactly as they would in a cluster.
switch (args.FirstOrDefault())
{
    case "silo":
        await SiloProgram.RunAsync(args[1..]).ConfigureAwait(false);
        return 0;
    case "gateway":
        await GatewayProgram.RunAsync(args[1..]).ConfigureAwait(false);
        return 0;
}

AppHostOptions options;
try
{
    options = CommandLineOptions.Parse<AppHostOptions>(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

await using var mesh = new LocalMesh();
try
{
    await mesh.StartAsync(options, stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine($"mesh failed to start: {e.Message}");
    return 1;
}
Console.Out.WriteLine(LocalMesh.ReadyLine);
await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);

var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
var finished = await Task.WhenAny(stopped, mesh.ChildExited).ConfigureAwait(false);
if (finished != stopped)
{
    Console.Error.WriteLine("A mesh process exited unexpectedly; stopping.");
    return 1;
}
return 0;
