using Microsoft.Extensions.Hosting;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// The lifetime of a web host embedded in a larger process. The default (console) lifetime would take over
/// Ctrl-C and SIGTERM for the whole process and then only stop its own host; here the process owner decides
/// when to stop, and stops the hosts by disposing them.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
