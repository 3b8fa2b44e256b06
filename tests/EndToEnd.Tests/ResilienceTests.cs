using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>The data plane outlives its control plane: a gateway keeps its last good tables while no silo answers.</summary>
public sealed class ResilienceTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task Killing_the_silo_under_load_fails_no_request_and_a_new_silo_takes_over()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        var siloPort = mesh.SiloUri.Port;
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var served = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.EchoAsync("http://smiley.faces/");
                Interlocked.Increment(ref served);
                if (response.Status != 200)
                {
                    lock (failures)
                    {
                        failures.Add(response.ToString());
                    }
                }
            }
        });

        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref served)), n => n >= 50, "load is flowing");
        await mesh.StopSiloAsync();
        var atStop = Volatile.Read(ref served);
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref served)), n => n >= atStop + 200, "requests keep being served without a silo");

        await mesh.StartSiloAsync(siloPort);
        await mesh.Api.ApplyAsync(Manifests.Route("faces", "smiley-split", "smiley", null,
            Manifests.Rule(null, ("smiley-v2", 1))));
        await Eventually.HoldsAsync(() => client.EchoAsync("http://smiley.faces/"), r => r.Pod?.StartsWith("smiley-v2-", StringComparison.Ordinal) == true
            && Volatile.Read(ref served) > atStop + 250, "the gateway resubscribed and follows new changes");
        stop.Cancel();
        await load;

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_restarted_gateway_serves_its_snapshot_before_any_silo_answers()
    {
        var snapshot = Path.Combine(Path.GetTempPath(), $"mesh-snapshot-{Guid.NewGuid():N}.json");
        try
        {
            await mesh.StopGatewayAsync();
            mesh.GatewaySnapshot = snapshot;
            await mesh.StartGatewayAsync();
            await mesh.GatewayReady.WaitAsync(TimeSpan.FromSeconds(30));
            await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(snapshot)), exists => exists, "the snapshot is written");

            var gatewayPort = mesh.GatewayUri.Port;
            var siloPort = mesh.SiloUri.Port;
            await mesh.StopGatewayAsync();
            await mesh.StopSiloAsync();
            await mesh.StartGatewayAsync(gatewayPort);

            Assert.True(mesh.GatewayReady.IsCompletedSuccessfully, "tables come from the snapshot, not from a silo");
            using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
            for (var i = 0; i < 20; i++)
            {
                var response = await client.EchoAsync("http://smiley.faces/");
                Assert.Equal(200, response.Status);
                Assert.StartsWith("smiley-v", response.Pod);
            }

            await mesh.StartSiloAsync(siloPort);
            using var http = new HttpClient();
            await Eventually.HoldsAsync(async () => (await http.GetStringAsync(new Uri(mesh.GatewayAdminUri, "config"))).Contains("\"connected\":true", StringComparison.Ordinal),
                connected => connected, "the gateway resubscribes once a silo answers");
        }
        finally
        {
            File.Delete(snapshot);
        }
    }
}
