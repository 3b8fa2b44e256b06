using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Gateway;
using Mesh.Silo;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests;

/// <summary>Silo replicas agree on versions, so a proxy moves from one to another without anything being sent again.</summary>
public sealed class FailoverTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task A_proxy_moves_to_another_silo_and_receives_nothing_it_already_holds()
    {
        await using var second = SiloHost.Build(new SiloOptions { Port = 0, KubeApi = mesh.ApiUri.ToString() },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await second.StartAsync();
        var secondUri = SiloHost.Address(second);
        await using var gateway = GatewayHost.Build(
            new GatewayOptions { Port = 0, AdminPort = 0, Silo = $"{mesh.SiloUri},{secondUri}", ProxyName = "failover" },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await gateway.StartAsync();
        await GatewayHost.Ready(gateway).WaitAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient();
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri(secondUri, "readyz"))).IsSuccessStatusCode, ready => ready,
            "the second silo has translated the cluster");

        await mesh.StopSiloAsync();

        var proxy = await Eventually.HoldsAsync(() => ProxyOn(http, secondUri), p => p is not null, "the proxy subscribes to the second silo");
        Assert.Equal(0, proxy!["messagesSent"]!.GetValue<long>());
        Assert.True(proxy["heldAtConnect"]!.GetValue<int>() >= 4);
        using var client = new PodClient(GatewayHost.Address(gateway), await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"));
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
    }

    private static async Task<JsonNode?> ProxyOn(HttpClient http, Uri silo)
    {
        var proxies = JsonNode.Parse(await http.GetStringAsync(new Uri(silo, "api/v1/proxies")))!.AsArray();
        return proxies.FirstOrDefault(p => p!["proxy"]!.GetValue<string>() == "failover");
    }
}
