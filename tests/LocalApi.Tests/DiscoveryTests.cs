using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class DiscoveryTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task Core_and_group_discovery_describe_every_served_kind()
    {
        var versions = await Api.GetOkAsync("/api");
        Assert.Equal("APIVersions", (string)versions["kind"]!);
        Assert.Equal("v1", (string)versions["versions"]![0]!);

        var core = await Api.GetOkAsync("/api/v1");
        var pods = Resource(core, "pods");
        Assert.True((bool)pods["namespaced"]!);
        Assert.Equal("Pod", (string)pods["kind"]!);
        Assert.Contains("po", pods["shortNames"]!.AsArray().Select(n => (string)n!));
        Assert.Contains("watch", pods["verbs"]!.AsArray().Select(n => (string)n!));
        Assert.False((bool)Resource(core, "namespaces")["namespaced"]!);
        Assert.Contains("svc", Resource(core, "services")["shortNames"]!.AsArray().Select(n => (string)n!));
        Resource(core, "pods/status");

        var groups = await Api.GetOkAsync("/apis");
        var gateway = groups["groups"]!.AsArray().Single(g => (string)g!["name"]! == "gateway.networking.k8s.io")!;
        Assert.Equal("gateway.networking.k8s.io/v1", (string)gateway["preferredVersion"]!["groupVersion"]!);
        Assert.Equal(2, gateway["versions"]!.AsArray().Count);
        foreach (var group in new[] { "apps", "discovery.k8s.io", "coordination.k8s.io" })
        {
            Assert.Contains(groups["groups"]!.AsArray(), g => (string)g!["name"]! == group);
        }

        Assert.Equal("HTTPRoute", (string)Resource(await Api.GetOkAsync("/apis/gateway.networking.k8s.io/v1"), "httproutes")["kind"]!);
        Assert.Equal("GRPCRoute", (string)Resource(await Api.GetOkAsync("/apis/gateway.networking.k8s.io/v1"), "grpcroutes")["kind"]!);
        Assert.Equal("ReferenceGrant", (string)Resource(await Api.GetOkAsync("/apis/gateway.networking.k8s.io/v1beta1"), "referencegrants")["kind"]!);
        Assert.Contains("deploy", Resource(await Api.GetOkAsync("/apis/apps/v1"), "deployments")["shortNames"]!.AsArray().Select(n => (string)n!));
        Resource(await Api.GetOkAsync("/apis/discovery.k8s.io/v1"), "endpointslices");
        Resource(await Api.GetOkAsync("/apis/coordination.k8s.io/v1"), "leases");
        Assert.Equal("apps", (string)(await Api.GetOkAsync("/apis/apps"))["name"]!);
        Assert.Equal("1", (string)(await Api.GetOkAsync("/version"))["major"]!);
    }

    [Fact]
    public async Task Tables_are_served_to_clients_that_ask_for_them()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services",
            Manifests.Service(ns, "web", new JsonObject { ["app"] = "web" }, new JsonArray(new JsonObject { ["port"] = 80 })));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/services");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json"));
        using var response = await Api.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("Table", (string)table["kind"]!);
        var columns = table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).ToList();
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"], columns);
        var row = Assert.Single(table["rows"]!.AsArray())!;
        Assert.Equal("web", (string)row["cells"]![0]!);
        Assert.StartsWith($"127.2.{cluster.Network}.", (string)row["cells"]![2]!);
        Assert.Equal("80/TCP", (string)row["cells"]![4]!);
        Assert.Equal(ns, (string)row["object"]!["metadata"]!["namespace"]!);
        Assert.Equal("PartialObjectMetadata", (string)row["object"]!["kind"]!);
    }

    [Fact]
    public async Task OpenApi_v2_is_an_empty_document_so_kubectl_skips_client_side_validation()
    {
        using var response = await Api.Http.GetAsync("/openapi/v2");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private static JsonObject Resource(JsonObject list, string name)
    {
        Assert.Equal("APIResourceList", (string)list["kind"]!);
        return list["resources"]!.AsArray().Single(r => (string)r!["name"]! == name)!.AsObject();
    }
}
