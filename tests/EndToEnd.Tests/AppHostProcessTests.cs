using System.Text.RegularExpressions;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The AppHost as a newcomer runs it: one process that starts everything, prints "mesh ready", routes
/// the demo, and on SIGTERM leaves no process behind.
/// </summary>
public sealed partial class AppHostProcessTests
{
    [Fact]
    public async Task Starts_the_whole_mesh_prints_mesh_ready_serves_the_demo_and_stops_cleanly()
    {
        await using var process = MeshProcess.Start(["--api-port", "0", "--silo-port", "0", "--gateway-port", "0", "--gateway-admin-port", "0",
            "--pod-network", "127.1.5.0", "--service-network", "127.2.5.0"]);
        try
        {
            await process.LineAsync(line => line == "mesh ready").WaitAsync(TimeSpan.FromSeconds(120));
            var log = process.Output;
            var api = new Uri(ApiLine().Match(log).Groups[1].Value);
            var gateway = new Uri(GatewayLine().Match(log).Groups[1].Value);

            using var kube = new KubeApi(api);
            using var client = new PodClient(gateway, await kube.DeploymentPodAsync("slow-clients", "slow-client"));
            var response = await client.EchoAsync("http://smiley.faces/");
            Assert.Equal(200, response.Status);
            Assert.StartsWith("smiley-v", response.Pod);

            await process.TerminateAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await Eventually.HoldsAsync(() => Task.FromResult(MeshProcess.ChildrenOf(process.Id)), children => children.Count == 0,
                "no silo or gateway process outlives the AppHost", TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\nAppHost output:\n{process.Output}", e);
        }
    }

    [GeneratedRegex(@"local Kubernetes API on (\S+)")]
    private static partial Regex ApiLine();

    [GeneratedRegex(@"gateway on (\S+)")]
    private static partial Regex GatewayLine();
}
