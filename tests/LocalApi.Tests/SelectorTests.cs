using System.Net;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class SelectorTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    public static TheoryData<string, string[]> Selectors => new()
    {
        { "tier=web", ["web-prod", "web-dev"] },
        { "tier==web", ["web-prod", "web-dev"] },
        { "tier!=web", ["db-prod", "bare"] },
        { "env in (prod, staging)", ["web-prod", "db-prod"] },
        { "env notin (prod)", ["web-dev", "bare"] },
        { "env", ["web-prod", "web-dev", "db-prod"] },
        { "!env", ["bare"] },
        { "tier=web,env=prod", ["web-prod"] },
        { "tier in (web,db),!canary", ["web-prod", "db-prod"] },
        { "weight>5", ["db-prod"] },
        { "weight<5", ["web-prod"] },
        { "", ["web-prod", "web-dev", "db-prod", "bare"] },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public async Task Label_selectors_filter_lists(string selector, string[] expected)
    {
        var ns = await SeedAsync();
        var items = await Api.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases?labelSelector={Uri.EscapeDataString(selector)}");
        Assert.Equal(expected.Order(), items.Select(i => (string)i["metadata"]!["name"]!).Order());
    }

    [Fact]
    public async Task Field_selectors_filter_by_name_and_namespace()
    {
        var ns = await SeedAsync();
        var byName = await Api.ListAsync($"/apis/coordination.k8s.io/v1/leases?fieldSelector=metadata.name%3Dbare,metadata.namespace%3D{ns}");
        Assert.Equal("bare", (string)Assert.Single(byName)["metadata"]!["name"]!);
        var others = await Api.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases?fieldSelector=metadata.name!%3Dbare");
        Assert.Equal(3, others.Count);
    }

    [Theory]
    [InlineData("labelSelector", "env in prod")]
    [InlineData("labelSelector", "env in (prod")]
    [InlineData("labelSelector", "=x")]
    [InlineData("labelSelector", "weight>heavy")]
    [InlineData("fieldSelector", "spec.holderIdentity=x")]
    public async Task Malformed_selectors_are_400(string parameter, string selector)
    {
        var (status, body) = await Api.GetAsync($"/apis/coordination.k8s.io/v1/leases?{parameter}={Uri.EscapeDataString(selector)}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        CrudTests.AssertStatus(body, 400, "BadRequest");
    }

    private async Task<string> SeedAsync()
    {
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        await Api.CreateAsync(leases, Manifests.Lease(ns, "web-prod", new JsonObject { ["tier"] = "web", ["env"] = "prod", ["weight"] = "1" }));
        await Api.CreateAsync(leases, Manifests.Lease(ns, "web-dev", new JsonObject { ["tier"] = "web", ["env"] = "dev", ["canary"] = "" }));
        await Api.CreateAsync(leases, Manifests.Lease(ns, "db-prod", new JsonObject { ["tier"] = "db", ["env"] = "prod", ["weight"] = "10" }));
        await Api.CreateAsync(leases, Manifests.Lease(ns, "bare"));
        return ns;
    }
}
