using Mesh.EndToEnd.Tests.Support;
using Mesh.Silo;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests;

/// <summary>Two silos, one status writer: the Lease elects one, and hands over when it stops.</summary>
public sealed class LeadershipTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private static async Task<bool> IsLeaderAsync(HttpClient http, Uri silo) =>
        (await http.GetStringAsync(new Uri(silo, "metrics"))).Contains("\nmesh_silo_leader 1\n", StringComparison.Ordinal);

    [Fact]
    public async Task Exactly_one_silo_writes_status_and_the_other_takes_over_when_it_stops()
    {
        await using var second = SiloHost.Build(new SiloOptions { Port = 0, KubeApi = mesh.ApiUri.ToString() },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await second.StartAsync();
        var secondUri = SiloHost.Address(second);
        using var http = new HttpClient();

        var leaders = await Eventually.HoldsAsync(async () => new[] { await IsLeaderAsync(http, mesh.SiloUri), await IsLeaderAsync(http, secondUri) },
            flags => flags.Count(f => f) == 1, "one silo holds the lease");
        Assert.True(leaders[0], "the first silo took the lease first");

        await mesh.StopSiloAsync();
        await Eventually.HoldsAsync(() => IsLeaderAsync(http, secondUri), leader => leader, "the second silo takes over");

        await mesh.Api.ApplyAsync(Manifests.Route("faces", "after-handover", "smiley", null, Manifests.Rule(Manifests.PathPrefix("/handover"), ("smiley-v1", 1))));
        var route = await Eventually.HoldsAsync(() => mesh.Api.GetAsync($"{Manifests.RouteCollection("faces")}/after-handover"),
            r => r?["status"]?["parents"]?.AsArray().Count == 1, "the new leader writes status");
        Assert.Equal("True", route!["status"]!["parents"]![0]!["conditions"]![0]!["status"]!.GetValue<string>());
        var lease = await mesh.Api.GetAsync("apis/coordination.k8s.io/v1/namespaces/kube-system/leases/mesh-silo-status-writer");
        Assert.True(lease!["spec"]!["leaseTransitions"]!.GetValue<int>() >= 1);
    }
}
