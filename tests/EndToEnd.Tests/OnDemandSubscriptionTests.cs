using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Gateway;
using Mesh.Gateway.Subscription;
using Mesh.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using static Mesh.EndToEnd.Tests.Support.Manifests;

namespace Mesh.EndToEnd.Tests;

/// <summary>A gateway subscribed on demand: it starts with the Service directory only and fetches a Service at the first request for it.</summary>
public sealed class OnDemandSubscriptionTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private async Task<WebApplication> StartOnDemandGatewayAsync(string name, string? silos = null)
    {
        var gateway = GatewayHost.Build(
            new GatewayOptions { Port = 0, AdminPort = 0, Silo = silos ?? mesh.SiloUri.ToString(), ProxyName = name, Subscribe = SubscriptionModes.OnDemand },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await gateway.StartAsync();
        await GatewayHost.Ready(gateway).WaitAsync(TimeSpan.FromSeconds(60));
        return gateway;
    }

    private static async Task<List<string>> ServicesHeldAsync(WebApplication gateway)
    {
        using var http = new HttpClient();
        var config = JsonNode.Parse(await http.GetStringAsync(new Uri(GatewayHost.AdminAddress(gateway), "config")))!;
        return [.. config["services"]!.AsArray().Select(s => s!["key"]!.GetValue<string>())];
    }

    [Fact]
    public async Task The_first_request_for_a_Service_fetches_it_and_the_Services_its_routes_use()
    {
        await using var gateway = await StartOnDemandGatewayAsync("on-demand-first");
        Assert.Empty(await ServicesHeldAsync(gateway));
        using var client = new PodClient(GatewayHost.Address(gateway), await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"));

        var response = await client.EchoAsync("http://smiley.faces/");

        Assert.Equal(200, response.Status);
        Assert.StartsWith("smiley-v", response.Pod);
        var held = await ServicesHeldAsync(gateway);
        Assert.Contains("faces/smiley", held);
        Assert.Contains("faces/smiley-v1", held);
        Assert.Contains("faces/smiley-v2", held);
        Assert.DoesNotContain("faces/color", held);
    }

    [Fact]
    public async Task A_Service_is_found_by_its_cluster_IP_before_it_is_fetched_and_an_unknown_one_is_404()
    {
        await using var gateway = await StartOnDemandGatewayAsync("on-demand-ip");
        using var client = new PodClient(GatewayHost.Address(gateway), await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"));
        var color = await mesh.Api.GetAsync($"{ServiceCollection("faces")}/color");
        var clusterIP = color!["spec"]!["clusterIP"]!.GetValue<string>();

        var byIP = await client.EchoAsync($"http://{clusterIP}/");
        var unknown = await client.EchoAsync("http://nothing.faces/");

        Assert.Equal(200, byIP.Status);
        Assert.StartsWith("color-", byIP.Pod);
        Assert.Equal(404, unknown.Status);
    }

    [Fact]
    public async Task A_fetched_Service_is_kept_up_to_date_including_new_Services_its_routes_send_to()
    {
        await using var gateway = await StartOnDemandGatewayAsync("on-demand-follow");
        using var client = new PodClient(GatewayHost.Address(gateway), await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"));
        Assert.StartsWith("color-", (await client.EchoAsync("http://color.faces/")).Pod);
        Assert.DoesNotContain("faces/smiley-v2", await ServicesHeldAsync(gateway));
        try
        {
            await mesh.Api.ApplyAsync(Route("faces", "color-to-smiley", "color", null, Rule(null, ("smiley-v2", 1))));

            await Eventually.HoldsAsync(() => client.EchoAsync("http://color.faces/"),
                r => r.Status == 200 && r.Pod?.StartsWith("smiley-v2-", StringComparison.Ordinal) == true,
                "the route added to color, and the Service it sends to, reach the on-demand gateway");
        }
        finally
        {
            await mesh.Api.DeleteAsync($"{RouteCollection("faces")}/color-to-smiley");
        }
    }

    [Fact]
    public async Task An_on_demand_proxy_moves_to_another_silo_keeping_what_it_fetched_without_a_resend()
    {
        var first = await StartSiloAsync();
        await using var second = await StartSiloAsync();
        using var http = new HttpClient();
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri(SiloHost.Address(second), "readyz"))).IsSuccessStatusCode, ready => ready,
            "the second silo has translated the cluster");
        await using var gateway = await StartOnDemandGatewayAsync("on-demand-failover", $"{SiloHost.Address(first)},{SiloHost.Address(second)}");
        using var client = new PodClient(GatewayHost.Address(gateway), await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client"));
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);

        await first.StopAsync();
        await first.DisposeAsync();

        var proxy = await Eventually.HoldsAsync(async () =>
            JsonNode.Parse(await http.GetStringAsync(new Uri(SiloHost.Address(second), "api/v1/proxies")))!.AsArray()
                .FirstOrDefault(p => p!["proxy"]!.GetValue<string>() == "on-demand-failover" && p["synced"]!.GetValue<bool>()),
            p => p is not null, "the proxy is synced with the second silo");
        Assert.Equal("on-demand", proxy!["mode"]!.GetValue<string>());
        Assert.True(proxy["servicesWanted"]!.GetValue<int>() >= 3, "smiley and the two Services its route sends to stay wanted");
        Assert.True(proxy["heldAtConnect"]!.GetValue<int>() >= 4, "every Service of the demo is held: in the directory, and three of them in full");
        Assert.Equal(0, proxy["messagesSent"]!.GetValue<long>());
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
    }

    [Fact]
    public async Task The_silo_keeps_a_silent_subscription_open_and_takes_wants_on_it()
    {
        await using var subscription = await RawSubscription.OpenAsync(mesh.SiloUri, """{"proxy":"silent","services":[],"directory":true}""");
        await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "synced", TimeSpan.FromSeconds(60));

        // Two heartbeats: ten seconds of a silent request body with a read pending on it.
        var heartbeats = 0;
        await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "heartbeat" && ++heartbeats == 2, TimeSpan.FromSeconds(60));
        await subscription.SendAsync("""{"want":["faces/color"]}""");

        var color = await subscription.ReadUntilAsync(m => m["key"]?.GetValue<string>() == "faces/color", TimeSpan.FromSeconds(60));
        Assert.NotNull(color["frontend"]);
        Assert.NotNull(color["backend"]);
    }

    private async Task<WebApplication> StartSiloAsync()
    {
        var silo = SiloHost.Build(new SiloOptions { Port = 0, KubeApi = mesh.ApiUri.ToString() }, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await silo.StartAsync();
        return silo;
    }
}
