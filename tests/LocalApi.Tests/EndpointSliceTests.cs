using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class EndpointSliceTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task A_service_gets_a_slice_listing_its_ready_pods()
    {
        var ns = await cluster.NewNamespaceAsync();
        var service = await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "web", new JsonObject { ["app"] = "web" },
            new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080, ["appProtocol"] = "http" })));
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "web", 2));
        var pods = await Pods.WaitForReadyAsync(Api, ns, "app=web", 2);

        var slice = Assert.Single(await WaitForSlicesAsync(ns, "web", s => AddressesOf(s).Count == 2 && AllReady(s)));
        Assert.Matches("^web-[a-z0-9]{5}$", (string)slice["metadata"]!["name"]!);
        Assert.Equal("IPv4", (string)slice["addressType"]!);
        Assert.Equal("endpointslice-controller.k8s.io", (string)slice["metadata"]!["labels"]!["endpointslice.kubernetes.io/managed-by"]!);
        var owner = slice["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal("Service", (string)owner["kind"]!);
        Assert.Equal((string)service["metadata"]!["uid"]!, (string)owner["uid"]!);
        Assert.Equal(pods.Select(Pods.Ip).Order(), AddressesOf(slice).Order());
        var endpoint = slice["endpoints"]![0]!;
        Assert.False((bool)endpoint["conditions"]!["terminating"]!);
        Assert.True((bool)endpoint["conditions"]!["serving"]!);
        Assert.Equal("Pod", (string)endpoint["targetRef"]!["kind"]!);
        Assert.Contains((string)endpoint["targetRef"]!["name"]!, pods.Select(p => (string)p["metadata"]!["name"]!));
        Assert.Equal("local", (string)endpoint["nodeName"]!);
        Assert.Equal("""[{"name":"http","protocol":"TCP","port":8080,"appProtocol":"http"}]""", slice["ports"]!.ToJsonString());
    }

    [Fact]
    public async Task Slices_follow_scaling_and_selector_changes_and_go_with_the_service()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "blue", 1));
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "green", 2));
        var blue = await Pods.WaitForReadyAsync(Api, ns, "app=blue", 1);
        var green = await Pods.WaitForReadyAsync(Api, ns, "app=green", 2);
        var servicePath = $"/api/v1/namespaces/{ns}/services/switch";
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "switch", new JsonObject { ["app"] = "blue" },
            new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 })));
        await WaitForSlicesAsync(ns, "switch", s => Same(AddressesOf(s), blue.Select(Pods.Ip)));

        await Api.UpdateAsync(servicePath, s => s["spec"]!["selector"] = new JsonObject { ["app"] = "green" });
        var slice = Assert.Single(await WaitForSlicesAsync(ns, "switch", s => Same(AddressesOf(s), green.Select(Pods.Ip))));
        Assert.Equal("", (string)slice["ports"]![0]!["name"]!);

        await Api.UpdateAsync($"/apis/apps/v1/namespaces/{ns}/deployments/green", d => d["spec"]!["replicas"] = 3);
        var three = await Pods.WaitForReadyAsync(Api, ns, "app=green", 3);
        await WaitForSlicesAsync(ns, "switch", s => Same(AddressesOf(s), three.Select(Pods.Ip)) && AllReady(s));

        await Api.DeleteAsync(servicePath);
        await Eventually.UntilAsync(async () => (await Api.ListAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices")).Count == 0, "slices to go");
    }

    [Fact]
    public async Task A_named_target_port_resolves_per_pod()
    {
        var ns = await cluster.NewNamespaceAsync();
        foreach (var (name, port, portName) in new[] { ("a", 8080, "http"), ("b", 9090, "http"), ("c", 7070, "other") })
        {
            var deployment = Manifests.Deployment(ns, name, 1, port: port, portName: portName);
            deployment["spec"]!["template"]!["metadata"]!["labels"]!["tier"] = "shared";
            await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", deployment);
        }
        var pods = (await Pods.WaitForReadyAsync(Api, ns, "tier=shared", 3)).ToDictionary(p => (string)p["metadata"]!["labels"]!["app"]!);
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "named", new JsonObject { ["tier"] = "shared" },
            new JsonArray(new JsonObject { ["name"] = "web", ["port"] = 80, ["targetPort"] = "http" })));

        var slices = await WaitForSlicesAsync(ns, "named", _ => true, expectedCount: 2);
        var byPort = slices.ToDictionary(s => (int)s["ports"]![0]!["port"]!);
        Assert.Equal([Pods.Ip(pods["a"])], AddressesOf(byPort[8080]));
        Assert.Equal([Pods.Ip(pods["b"])], AddressesOf(byPort[9090]));
        Assert.Equal("web", (string)byPort[8080]["ports"]![0]!["name"]!);
    }

    [Fact]
    public async Task Slices_are_written_only_when_their_content_changes()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Manifests.Deployment(ns, "calm", 1));
        var pod = Assert.Single(await Pods.WaitForReadyAsync(Api, ns, "app=calm", 1));
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "calm", new JsonObject { ["app"] = "calm" },
            new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 })));
        var before = Assert.Single(await WaitForSlicesAsync(ns, "calm", s => AddressesOf(s).Count == 1 && AllReady(s)));

        // An unrelated change to a selected pod, then a change the controller must react to.
        await Api.UpdateAsync($"/api/v1/namespaces/{ns}/pods/{pod["metadata"]!["name"]}", p => p["metadata"]!["annotations"] = new JsonObject { ["touched"] = "yes" });
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "marker", new JsonObject { ["app"] = "calm" },
            new JsonArray(new JsonObject { ["port"] = 80 })));
        await WaitForSlicesAsync(ns, "marker", s => AddressesOf(s).Count == 1);

        var after = Assert.Single(await WaitForSlicesAsync(ns, "calm", _ => true));
        Assert.Equal((string)before["metadata"]!["resourceVersion"]!, (string)after["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task A_service_without_selector_gets_no_slices()
    {
        var ns = await cluster.NewNamespaceAsync();
        var service = Manifests.Service(ns, "manual", new JsonObject(), new JsonArray(new JsonObject { ["port"] = 80 }));
        service["spec"]!.AsObject().Remove("selector");
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", service);
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", Manifests.Service(ns, "selecting", new JsonObject { ["app"] = "none" },
            new JsonArray(new JsonObject { ["port"] = 80 })));
        var empty = Assert.Single(await WaitForSlicesAsync(ns, "selecting", _ => true));
        Assert.Empty(empty["endpoints"]!.AsArray());
        Assert.Empty(await Api.ListAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=kubernetes.io/service-name%3Dmanual"));
    }

    private Task<List<JsonObject>> WaitForSlicesAsync(string ns, string service, Func<JsonObject, bool> condition, int expectedCount = 1) =>
        Eventually.ValueAsync(async () =>
        {
            var slices = await Api.ListAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=kubernetes.io/service-name%3D{service}");
            return slices.Count == expectedCount && slices.All(condition) ? slices : null;
        }, $"endpoint slices of {ns}/{service}");

    private static List<string> AddressesOf(JsonObject slice) =>
        [.. slice["endpoints"]!.AsArray().Select(e => (string)e!["addresses"]![0]!)];

    private static bool AllReady(JsonObject slice) =>
        slice["endpoints"]!.AsArray().All(e => (bool)e!["conditions"]!["ready"]!);

    private static bool Same(IEnumerable<string> actual, IEnumerable<string> expected) => actual.Order().SequenceEqual(expected.Order());
}
