using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>The admin surfaces: gateway /metrics and /config, silo /metrics and service API.</summary>
public sealed class ObservabilityTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task Gateway_metrics_count_requests_by_service_route_backend_and_class()
    {
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
        }
        Assert.Equal(404, (await client.EchoAsync("http://nothing.faces/")).Status);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(mesh.GatewayAdminUri, "metrics"));

        var smileyOk = metrics.Split('\n')
            .Where(l => l.StartsWith("mesh_gateway_requests_total{service=\"faces/smiley\",route=\"faces/smiley-split\",", StringComparison.Ordinal)
                && l.Contains("code=\"2xx\"", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(smileyOk >= 20, metrics);
        Assert.Contains("mesh_gateway_requests_total{service=\"\",route=\"\",backend=\"\",code=\"4xx\"}", metrics);
        Assert.Contains("# TYPE mesh_gateway_request_duration_seconds histogram", metrics);
        Assert.Contains("mesh_gateway_request_duration_seconds_bucket{service=\"faces/smiley\",le=\"+Inf\"}", metrics);
        // The process's own costs, which bench/load divides by requests served.
        Assert.Contains("# TYPE process_cpu_seconds_total counter", metrics);
        Assert.Matches(@"(?m)^dotnet_gc_allocated_bytes_total [1-9]", metrics);
        Assert.Matches(@"(?m)^process_resident_memory_bytes [1-9]", metrics);
        Assert.Matches(@"(?m)^dotnet_gc_pause_seconds_total [0-9]", metrics);
    }

    [Fact]
    public async Task Gateway_config_shows_the_tables_and_their_versions()
    {
        using var http = new HttpClient();
        var config = JsonNode.Parse(await http.GetStringAsync(new Uri(mesh.GatewayAdminUri, "config")))!;

        Assert.True(config["ready"]!.GetValue<bool>());
        var smiley = config["services"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "faces/smiley")!;
        Assert.Equal(16, smiley["frontendVersion"]!.GetValue<string>().Length);
        var port = smiley["ports"]![0]!;
        Assert.Contains("faces/smiley-split#0 PathPrefix /", port["producer"]!["http"]![0]!.GetValue<string>());
        Assert.NotNull(port["consumers"]!["fast-clients"]);
        Assert.Equal(200, (int)(await http.GetAsync(new Uri(mesh.GatewayAdminUri, "readyz"))).StatusCode);
    }

    [Fact]
    public async Task Silo_metrics_and_service_API_show_grain_state()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(mesh.SiloUri, "metrics"));
        Assert.Contains("mesh_silo_subscribers 1", metrics);
        Assert.Contains("mesh_silo_objects{kind=\"HTTPRoute\"}", metrics);
        Assert.Contains("mesh_silo_translation_passes_total", metrics);
        Assert.Matches(@"(?m)^mesh_silo_grain_activations [1-9]", metrics);

        // A change made while the gateway is connected is pushed to it, and the push is timed.
        await mesh.Api.ApplyNamespaceAsync("observed");
        await SelectorlessService.ApplyAsync(mesh.Api, "observed", "pushed", [("127.0.0.1", 9)]);
        await Eventually.HoldsAsync(() => http.GetStringAsync(new Uri(mesh.SiloUri, "metrics")),
            text => System.Text.RegularExpressions.Regex.IsMatch(text, @"(?m)^mesh_silo_push_latency_seconds_count [1-9]"), "a push is timed");

        var service = JsonNode.Parse(await http.GetStringAsync(new Uri(mesh.SiloUri, "api/v1/services/faces/smiley")))!;
        Assert.Equal("faces/smiley", service["key"]!.GetValue<string>());
        Assert.NotNull(service["frontend"]!["version"]);
        Assert.Equal(3, service["backend"]!["value"]!["ports"]![0]!["endpoints"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_silo_status_page_lists_services_routes_with_conditions_and_proxies()
    {
        using var http = new HttpClient();
        var page = await Eventually.HoldsAsync(() => http.GetStringAsync(mesh.SiloUri), html => html.Contains("Accepted=True", StringComparison.Ordinal),
            "route status appears on the page");

        Assert.Contains("<title>Mesh silo</title>", page);
        Assert.Contains("faces/smiley", page);
        Assert.Contains("faces/smiley-split", page);
        Assert.Contains("ResolvedRefs=True (ResolvedRefs)", page);
        Assert.Contains("test-", page); // the subscribed gateway
    }
}
