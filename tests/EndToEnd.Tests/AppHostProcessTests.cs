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
        var accessLog = Path.Combine(Path.GetTempPath(), $"mesh-apphost-access-{Guid.NewGuid():N}.log");
        await using var process = MeshProcess.Start(["--api-port", "0", "--silo-port", "0", "--gateway-port", "0", "--gateway-admin-port", "0",
            "--pod-network", "127.1.5.0", "--service-network", "127.2.5.0", "--gateway-access-log", accessLog]);
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
            await ManyH2cStreamsAreAnsweredAsync(gateway);
            // --gateway-access-log reaches the gateway process: the request above is a line of its log.
            await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(accessLog) ? ReadShared(accessLog) : ""),
                text => text.Contains("\"authority\":\"smiley.faces\"", StringComparison.Ordinal), "the access log names the request");

            await process.TerminateAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await Eventually.HoldsAsync(() => Task.FromResult(MeshProcess.ChildrenOf(process.Id)), children => children.Count == 0,
                "no silo or gateway process outlives the AppHost", TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\nAppHost output:\n{process.Output}", e);
        }
        finally
        {
            File.Delete(accessLog);
        }
    }

    /// <summary>
    /// In its own process the gateway serves h2c on its event loops, where answers finishing together are
    /// written together at the end of the loop's batch (Http2Output.FlushSoonAsync): none may be left unsent.
    /// </summary>
    private static async Task ManyH2cStreamsAreAnsweredAsync(Uri gateway)
    {
        await using var client = await RawHttp2.ConnectAsync(gateway);
        for (var stream = 1; stream < 200; stream += 2)
        {
            await client.SendHeadersAsync(stream, endStream: true, RawHttp2.Get($"/stream/{stream}"));
        }
        for (var stream = 1; stream < 200; stream += 2)
        {
            var answer = await client.ReadAnswerAsync(stream);
            Assert.Equal("200", answer.Status);
            Assert.Contains($"\"path\":\"/stream/{stream}\"", answer.Text);
        }
        // Then one at a time: the client sends nothing more until each answer comes, so an answer held
        // back and never flushed would show here rather than ride out with the client's next frames.
        for (var stream = 201; stream < 211; stream += 2)
        {
            await client.SendHeadersAsync(stream, endStream: true, RawHttp2.Get($"/stream/{stream}"));
            var answer = await client.ReadAnswerAsync(stream);
            Assert.Equal("200", answer.Status);
        }
    }

    private static string ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"local Kubernetes API on (\S+)")]
    private static partial Regex ApiLine();

    [GeneratedRegex(@"gateway on (\S+)")]
    private static partial Regex GatewayLine();
}
