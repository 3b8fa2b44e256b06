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
            new JsonArray(new JsonObject { ["name"] = "web", ["port"] = 80 }, new JsonObject { ["name"] = "grpc", ["port"] = 9000, ["targetPort"] = "grpc" })));
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

    [Theory]
    [InlineData("""{"type":"Foo","ports":[{"port":80}]}""", "spec.type", "Unsupported value: \"Foo\"")]
    [InlineData("""{"ports":[{"port":0}]}""", "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData("""{"ports":[{"port":80,"protocol":"HTTP"}]}""", "spec.ports[0].protocol", "Unsupported value: \"HTTP\"")]
    [InlineData("""{"ports":[{"name":"a","port":80},{"port":81}]}""", "spec.ports[1].name", "Required value")]
    [InlineData("""{"ports":[{"name":"a","port":80},{"name":"a","port":81}]}""", "spec.ports[1].name", "Duplicate value: \"a\"")]
    [InlineData("""{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}""", "spec.ports[1]", "Duplicate value")]
    [InlineData("""{"ports":[{"port":80,"targetPort":70000}]}""", "spec.ports[0].targetPort", "must be between 1 and 65535")]
    [InlineData("""{"ports":[{"port":80,"targetPort":"Not_A_Name"}]}""", "spec.ports[0].targetPort", "Invalid value: \"Not_A_Name\"")]
    [InlineData("""{"selector":{"app":"x"}}""", "spec.ports", "Required value")]
    public async Task A_service_the_API_server_would_refuse_is_422_and_holds_no_address(string spec, string field, string message)
    {
        var ns = await cluster.NewNamespaceAsync();
        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "bad" },
            ["spec"] = JsonNode.Parse(spec),
        };

        var (status, body) = await Api.PostAsync($"/api/v1/namespaces/{ns}/services", service);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var causes = body["details"]!["causes"]!.AsArray();
        Assert.Contains(causes, c => (string)c!["field"]! == field && ((string)c["message"]!).Contains(message, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/namespaces/{ns}/services/bad")).Status);
    }

    [Fact]
    public async Task Strategic_merge_patches_merge_keyed_lists_as_kubectl_apply_expects()
    {
        var ns = await cluster.NewNamespaceAsync();
        var ports = new JsonArray(
            new JsonObject { ["name"] = "web", ["port"] = 80, ["targetPort"] = 8080 },
            new JsonObject { ["name"] = "grpc", ["port"] = 7070, ["targetPort"] = 7070 });
        var service = Manifests.Service(ns, "api", new JsonObject { ["app"] = "api" }, ports);
        service["metadata"]!["finalizers"] = new JsonArray("a");
        await Api.CreateAsync($"/api/v1/namespaces/{ns}/services", service);
        var path = $"/api/v1/namespaces/{ns}/services/api";

        // The shape kubectl apply sends after targetPort 8080 became 9090 in the file: the changed element only,
        // and the order of the whole list. It was refused with 415.
        var apply = JsonNode.Parse("""
            {"metadata":{"finalizers":["b"]},
             "spec":{"$setElementOrder/ports":[{"port":80},{"port":7070}],"ports":[{"port":80,"targetPort":9090}]}}
            """)!;
        var (status, body) = await Api.SendAsync(HttpMethod.Patch, path, apply, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, status);
        var merged = body["spec"]!["ports"]!.AsArray();
        Assert.Equal([80, 7070], merged.Select(p => (int)p!["port"]!));
        Assert.Equal([9090, 7070], merged.Select(p => (int)p!["targetPort"]!));
        Assert.Equal("web", (string)merged[0]!["name"]!);
        Assert.Equal("""["a","b"]""", body["metadata"]!["finalizers"]!.ToJsonString()); // Finalizers merge as a set.

        // A port deleted by its key, a finalizer deleted by value; no directive is ever stored.
        var delete = JsonNode.Parse("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]},"spec":{"ports":[{"port":7070,"$patch":"delete"}]}}
            """)!;
        var (deleted, afterDelete) = await Api.SendAsync(HttpMethod.Patch, path, delete, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal([80], afterDelete["spec"]!["ports"]!.AsArray().Select(p => (int)p!["port"]!));
        Assert.Equal("""["b"]""", afterDelete["metadata"]!["finalizers"]!.ToJsonString());
        Assert.DoesNotContain("$", afterDelete.ToJsonString(), StringComparison.Ordinal);

        // An object the Service did not have: a null in it deletes nothing and is not stored.
        var labels = JsonNode.Parse("""{"metadata":{"annotations":{"a":null,"b":"1"}}}""")!;
        var (annotated, afterAnnotate) = await Api.SendAsync(HttpMethod.Patch, path, labels, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, annotated);
        Assert.Equal("""{"b":"1"}""", afterAnnotate["metadata"]!["annotations"]!.ToJsonString());

        // A keyed list the object did not have yet: its elements merge into an empty one, deletions dropped.
        var fresh = JsonNode.Parse("""{"metadata":{"ownerReferences":[{"uid":"u1","name":"a","kind":"X","apiVersion":"v1"},{"uid":"u2","$patch":"delete"}]}}""")!;
        var (added, afterAdd) = await Api.SendAsync(HttpMethod.Patch, path, fresh, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Equal(["u1"], afterAdd["metadata"]!["ownerReferences"]!.AsArray().Select(o => (string)o!["uid"]!));

        // Custom resources take no strategic patches, as in a cluster.
        await Api.CreateAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", Manifests.HttpRoute(ns, "r", "api"));
        var (refused, _) = await Api.SendAsync(HttpMethod.Patch, $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/r",
            JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused);
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
