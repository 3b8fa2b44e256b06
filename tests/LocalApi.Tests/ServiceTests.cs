using System.Net;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class ServiceTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task A_service_gets_a_cluster_ip_and_port_defaults_on_create()
    {
        var ns = await cluster.NewNamespaceAsync();
        var created = await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "api", new JsonObject { ["app"] = "api" },
            new JsonArray(new JsonObject { ["port"] = 80 }, new JsonObject { ["name"] = "grpc", ["port"] = 9000, ["targetPort"] = "grpc" })));
        var spec = created["spec"]!;
        var ip = (string)spec["clusterIP"]!;
        Assert.StartsWith($"127.2.{cluster.Network}.", ip);
        Assert.Equal(ip, (string)spec["clusterIPs"]![0]!);
        Assert.Equal("ClusterIP", (string)spec["type"]!);
        Assert.Equal("TCP", (string)spec["ports"]![0]!["protocol"]!);
        Assert.Equal(80, (int)spec["ports"]![0]!["targetPort"]!);
        Assert.Equal("grpc", (string)spec["ports"]![1]!["targetPort"]!);

        var other = await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "other", new JsonObject { ["app"] = "other" },
            new JsonArray(new JsonObject { ["port"] = 80 })));
        Assert.NotEqual(ip, (string)other["spec"]!["clusterIP"]!);

        // A replace without the address keeps it; changing it is refused.
        var replaced = created.DeepClone().AsObject();
        replaced["spec"]!.AsObject().Remove("clusterIP");
        replaced["spec"]!.AsObject().Remove("clusterIPs");
        var kept = await Api.ReplaceAsync($"/api/v1/namespaces/{ns}/services/api", replaced);
        Assert.Equal(ip, (string)kept["spec"]!["clusterIP"]!);
        kept["spec"]!["clusterIP"] = (string)other["spec"]!["clusterIP"]!;
        var (status, body) = await Api.PutAsync($"/api/v1/namespaces/{ns}/services/api", kept);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        CrudTests.AssertStatus(body, 422, "Invalid");
    }

    [Fact]
    public async Task Headless_and_explicit_cluster_ips_are_honoured_and_checked()
    {
        var ns = await cluster.NewNamespaceAsync();
        var headless = Manifests.Service(ns, "headless", new JsonObject { ["app"] = "x" }, new JsonArray(new JsonObject { ["port"] = 80 }));
        headless["spec"]!["clusterIP"] = "None";
        Assert.Equal("None", (string)(await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", headless))["spec"]!["clusterIP"]!);

        var wanted = $"127.2.{cluster.Network}.200";
        var explicitIp = Manifests.Service(ns, "pinned", new JsonObject { ["app"] = "x" }, new JsonArray(new JsonObject { ["port"] = 80 }));
        explicitIp["spec"]!["clusterIP"] = wanted;
        Assert.Equal(wanted, (string)(await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", explicitIp))["spec"]!["clusterIP"]!);

        explicitIp["metadata"]!["name"] = "taken";
        var (taken, _) = await Api.PostAsync($"/api/v1/namespaces/{ns}/services", explicitIp);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken);

        explicitIp["metadata"]!["name"] = "outside";
        explicitIp["spec"]!["clusterIP"] = "10.96.0.10";
        var (outside, body) = await Api.PostAsync($"/api/v1/namespaces/{ns}/services", explicitIp);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside);
        Assert.Equal("spec.clusterIPs", (string)body["details"]!["causes"]![0]!["field"]!);
    }

    [Fact]
    public async Task Service_names_must_be_dns_labels()
    {
        var ns = await cluster.NewNamespaceAsync();
        var (status, _) = await Api.PostAsync($"/api/v1/namespaces/{ns}/services",
            Manifests.Service(ns, "1starts-with-digit", new JsonObject(), new JsonArray(new JsonObject { ["port"] = 80 })));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
    }
}
