using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;
using static Mesh.EndToEnd.Tests.Support.Manifests;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The demo of deploy/local through real sockets: clients in pods, the gateway as their proxy, the
/// silo fed by the local Kubernetes API, echo pods as backends.
/// </summary>
public sealed class DemoMeshTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task The_producer_route_splits_smiley_90_10_between_its_versions()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        const int requests = 1000;
        var v1 = 0;
        var v2 = 0;
        for (var i = 0; i < requests; i++)
        {
            var response = await client.EchoAsync("http://smiley.faces/");
            Assert.Equal(200, response.Status);
            if (response.Pod!.StartsWith("smiley-v1-", StringComparison.Ordinal))
            {
                v1++;
            }
            else if (response.Pod.StartsWith("smiley-v2-", StringComparison.Ordinal))
            {
                v2++;
            }
        }

        // Binomial(1000, 0.1): mean 100, standard deviation 9.5; five deviations either way.
        Assert.Equal(requests, v1 + v2);
        Assert.InRange(v2, 100 - 48, 100 + 48);
    }

    [Fact]
    public async Task Both_replicas_of_v1_serve()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        var pods = new HashSet<string>();
        await Eventually.HoldsAsync(async () =>
        {
            pods.Add((await client.EchoAsync("http://smiley-v1.faces/")).Pod ?? "");
            return pods.Count(p => p.StartsWith("smiley-v1-", StringComparison.Ordinal));
        }, count => count == 2, "requests to smiley-v1 reach both replicas");
    }

    [Fact]
    public async Task A_consumer_route_applies_to_clients_of_its_namespace_only()
    {
        using var fast = await mesh.ClientInDeploymentAsync("fast-clients", "fast-client");
        for (var i = 0; i < 50; i++)
        {
            var response = await fast.EchoAsync("http://smiley.faces/");
            Assert.StartsWith("smiley-v2-", response.Pod);
            Assert.Equal("fast", response.RequestHeader("x-client-tier"));
        }

        using var slow = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        var other = await slow.EchoAsync("http://smiley.faces/");
        Assert.Equal(200, other.Status);
        Assert.Null(other.RequestHeader("x-client-tier"));
    }

    [Fact]
    public async Task A_Service_without_routes_passes_through_to_its_endpoints()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        var response = await client.EchoAsync("http://color.faces.svc.cluster.local/some/path?q=1");

        Assert.Equal(200, response.Status);
        Assert.StartsWith("color-", response.Pod);
        Assert.Equal("/some/path?q=1", response.Echo!["path"]!.GetValue<string>());
        Assert.Equal("faces", response.Echo["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_frontend_can_be_named_by_cluster_IP_in_origin_form()
    {
        var service = await mesh.Api.GetAsync("api/v1/namespaces/faces/services/color");
        var clusterIP = service!["spec"]!["clusterIP"]!.GetValue<string>();
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");

        var response = await client.SendAsync(new MeshRequest { Host = clusterIP, Path = "/by-ip", OriginForm = true });

        Assert.Equal(200, response.Status);
        Assert.StartsWith("color-", response.Pod);
    }

    [Fact]
    public async Task Routes_attached_but_not_matching_answer_404_and_changes_apply_live()
    {
        await mesh.Api.ApplyAsync(Service("faces", "color-routed", new JsonObject { ["app"] = "color" }));
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        await Eventually.HoldsAsync(() => client.EchoAsync("http://color-routed.faces/anything"), r => r.Status == 200,
            "the new Service passes through");

        await mesh.Api.ApplyAsync(Route("faces", "color-only", "color-routed", null, Rule(PathPrefix("/only"), ("color", 1))));

        await Eventually.HoldsAsync(() => client.EchoAsync("http://color-routed.faces/other"), r => r.Status == 404,
            "an unmatched path gets 404 once a route is attached");
        Assert.Equal(200, (await client.EchoAsync("http://color-routed.faces/only/deeper")).Status);
        Assert.Equal(404, (await client.EchoAsync("http://color-routed.faces/onlyness")).Status);

        await mesh.Api.DeleteAsync($"{RouteCollection("faces")}/color-only");
        await Eventually.HoldsAsync(() => client.EchoAsync("http://color-routed.faces/other"), r => r.Status == 200,
            "deleting the route restores pass-through");
    }

    [Fact]
    public async Task Replacing_a_route_moves_traffic()
    {
        await mesh.Api.ApplyAsync(Service("faces", "live", new JsonObject { ["app"] = "smiley" }));
        await mesh.Api.ApplyAsync(MarkedRoute("1", "smiley-v1"));
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        // The response header marks which version of the route answered; pass-through answers carry none.
        await Eventually.HoldsAsync(() => client.EchoAsync("http://live.faces/"), r => r.Headers.GetValueOrDefault("x-route-version") == "1",
            "the first route is in force");

        await mesh.Api.ApplyAsync(MarkedRoute("2", "smiley-v2"));

        await Eventually.HoldsAsync(() => client.EchoAsync("http://live.faces/"), r => r.Headers.GetValueOrDefault("x-route-version") == "2",
            "the replaced route is in force");
        for (var i = 0; i < 20; i++)
        {
            var response = await client.EchoAsync("http://live.faces/");
            Assert.Equal("2", response.Headers.GetValueOrDefault("x-route-version"));
            Assert.StartsWith("smiley-v2-", response.Pod);
        }

        static JsonObject MarkedRoute(string version, string backend)
        {
            var rule = Rule(null, (backend, 1));
            rule["filters"] = new JsonArray(new JsonObject
            {
                ["type"] = "ResponseHeaderModifier",
                ["responseHeaderModifier"] = new JsonObject
                {
                    ["set"] = new JsonArray(new JsonObject { ["name"] = "x-route-version", ["value"] = version }),
                },
            });
            return Route("faces", "live", "live", null, rule);
        }
    }

    [Fact]
    public async Task Route_status_is_written_back_with_Accepted_and_ResolvedRefs()
    {
        var route = await Eventually.HoldsAsync(
            () => mesh.Api.GetAsync($"{RouteCollection("faces")}/smiley-split"),
            r => r?["status"]?["parents"]?.AsArray().Count == 1,
            "smiley-split has status");

        var parent = route!["status"]!["parents"]![0]!;
        Assert.Equal("mesh.dev/gamma-controller", parent["controllerName"]!.GetValue<string>());
        Assert.Equal("smiley", parent["parentRef"]!["name"]!.GetValue<string>());
        var conditions = parent["conditions"]!.AsArray().ToDictionary(c => c!["type"]!.GetValue<string>(), c => c!);
        Assert.Equal("True", conditions["Accepted"]["status"]!.GetValue<string>());
        Assert.Equal("True", conditions["ResolvedRefs"]["status"]!.GetValue<string>());
        Assert.Equal(1, conditions["Accepted"]["observedGeneration"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_route_that_stops_naming_a_Service_loses_the_status_Mesh_wrote()
    {
        var route = Route("faces", "moved-away", "smiley", null, Rule(PathPrefix("/moved-away"), ("smiley-v1", 1)));
        await mesh.Api.ApplyAsync(route);
        await Eventually.HoldsAsync(() => mesh.Api.GetAsync($"{RouteCollection("faces")}/moved-away"),
            r => r?["status"]?["parents"]?.AsArray().Count == 1, "the route has Mesh's status");

        // Now a route of some Gateway's: no concern of Mesh's, and its entry must not linger as if it were.
        route["spec"]!["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "some-gateway" });
        await mesh.Api.ApplyAsync(route);
        await Eventually.HoldsAsync(() => mesh.Api.GetAsync($"{RouteCollection("faces")}/moved-away"),
            r => r?["status"]?["parents"] is not JsonArray { Count: > 0 }, "Mesh's status entry is gone");
    }

    [Fact]
    public async Task Unknown_Services_get_404_and_malformed_authorities_400()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        Assert.Equal(404, (await client.EchoAsync("http://nothing.faces/")).Status);
        Assert.Equal(404, (await client.EchoAsync("http://smiley.faces:8081/")).Status);

        Assert.Equal(400, await RawHttp.StatusAsync(mesh.GatewayUri, "GET / HTTP/1.1\r\nHost: bad host!\r\n\r\n"));
        Assert.Equal(400, await RawHttp.StatusAsync(mesh.GatewayUri, "GET / HTTP/1.1\r\nHost: smiley.faces:99999\r\n\r\n"));
        Assert.Equal(400, await RawHttp.StatusAsync(mesh.GatewayUri, "GET / HTTP/1.1\r\n\r\n"));
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
    }
}
