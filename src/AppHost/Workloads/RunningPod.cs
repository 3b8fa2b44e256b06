using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost.Echo;

namespace Mesh.AppHost.Workloads;

/// <summary>What the local kubelet holds for one pod: its address, its echo server if any, the status to report.</summary>
internal sealed class RunningPod(IPAddress address, EchoServer? server, JsonObject status) : IAsyncDisposable
{
    public IPAddress Address { get; } = address;

    public JsonObject Status { get; } = status;

    public ValueTask DisposeAsync() => server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
