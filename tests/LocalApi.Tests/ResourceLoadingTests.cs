using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class ResourceLoadingTests(TestCluster cluster) : IClassFixture<TestCluster>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("localapi-resources-").FullName;

    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task A_multi_document_yaml_file_loads_in_dependency_order_with_implicit_namespaces()
    {
        var ns = $"load{cluster.Network}a";
        // Written "wrong way round": the route and deployment come before the service, in a namespace nobody creates.
        var file = Write("app.yaml", $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: web
              namespace: {ns}
              annotations:
                port: "8080"
            spec:
              parentRefs:
              - {"{"}group: "", kind: Service, name: web, port: 80{"}"}
              rules:
              - backendRefs:
                - name: web
                  port: 80
                  weight: 1
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: {ns}
            spec:
              replicas: 2
              selector:
                matchLabels: {"{"}app: web{"}"}
              template:
                metadata:
                  labels: {"{"}app: web{"}"}
                spec:
                  containers:
                  - name: echo
                    image: mesh/echo
                    ports:
                    - containerPort: 8080
                      name: http
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: {ns}
            spec:
              selector:
                app: web
              ports:
              - port: 80
                targetPort: http
            ---
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata:
              name: defaulted
            spec:
              holderIdentity: null
              leaseDurationSeconds: 15
            """);

        await cluster.Cluster.LoadResourcesAsync([file]);

        Assert.Equal("Active", (string)(await Api.GetOkAsync($"/api/v1/namespaces/{ns}"))["status"]!["phase"]!);
        var route = await Api.GetOkAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/web");
        Assert.Equal("8080", (string)route["metadata"]!["annotations"]!["port"]!);
        Assert.Equal(80, (int)route["spec"]!["parentRefs"]![0]!["port"]!);
        Assert.Equal("", (string)route["spec"]!["parentRefs"]![0]!["group"]!);
        var service = await Api.GetOkAsync($"/api/v1/namespaces/{ns}/services/web");
        Assert.StartsWith($"127.2.{cluster.Network}.", (string)service["spec"]!["clusterIP"]!);
        var lease = await Api.GetOkAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/defaulted");
        Assert.Equal(15, (int)lease["spec"]!["leaseDurationSeconds"]!);

        using var timeout = new CancellationTokenSource(Eventually.DefaultDeadline);
        await cluster.Cluster.WaitForPodsReadyAsync(timeout.Token);
        var slice = Assert.Single(await Api.ListAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"));
        Assert.Equal(2, slice["endpoints"]!.AsArray().Count);

        // Loading again applies the same objects: nothing new, nothing lost.
        await cluster.Cluster.LoadResourcesAsync([file]);
        Assert.Equal(2, (await Api.ListAsync($"/api/v1/namespaces/{ns}/pods")).Count);
    }

    [Fact]
    public async Task A_directory_loads_yaml_yml_and_json_files_recursively()
    {
        var ns = $"load{cluster.Network}b";
        Write("a/one.yml", $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n");
        Write("b/nested/two.json", $$$"""[{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"from-array","namespace":"{{{ns}}}"}}]""");
        Write("b/three.json", $$$"""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"from-list","namespace":"{{{ns}}}"}}]}""");
        Write("b/four.json", $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"LeaseList","items":[{"metadata":{"name":"from-typed-list","namespace":"{{{ns}}}"}}]}""");
        Write("ignored.txt", "not: [valid");

        await cluster.Cluster.LoadResourcesAsync([_directory]);

        var names = (await Api.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases")).Select(l => (string)l["metadata"]!["name"]!);
        Assert.Equal(["from-array", "from-list", "from-typed-list"], names.Order());
    }

    [Fact]
    public async Task Bad_files_are_reported_by_name_and_load_nothing()
    {
        var ns = $"load{cluster.Network}c";
        var good = Write("good.yaml", $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n");
        var broken = Write("broken.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: [unclosed\n");
        var unknown = Write("unknown.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
        var nameless = Write("nameless.json", """{"apiVersion":"v1","kind":"Namespace","metadata":{}}""");

        foreach (var bad in new[] { broken, unknown, nameless })
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => cluster.Cluster.LoadResourcesAsync([good, bad]));
            Assert.Contains(bad, error.Message);
        }
        var (status, _) = await Api.GetAsync($"/api/v1/namespaces/{ns}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
        await Assert.ThrowsAsync<FileNotFoundException>(() => cluster.Cluster.LoadResourcesAsync([Path.Combine(_directory, "missing")]));
    }

    [Fact]
    public async Task Apply_creates_then_replaces_and_delete_removes()
    {
        var lease = Manifests.Lease("default", "applied");
        var created = await cluster.Cluster.ApplyAsync(lease);
        lease["spec"]!["holderIdentity"] = "second";
        var replaced = await cluster.Cluster.ApplyAsync(lease);
        Assert.Equal((string)created["metadata"]!["uid"]!, (string)replaced["metadata"]!["uid"]!);
        Assert.Equal("second", (string)(await Api.GetOkAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/applied"))["spec"]!["holderIdentity"]!);
        Assert.Null(lease["metadata"]!["uid"]);

        await cluster.Cluster.DeleteAsync("coordination.k8s.io/v1", "Lease", "default", "applied");
        var (status, _) = await Api.GetAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/applied");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
        var missing = await Assert.ThrowsAsync<Mesh.AppHost.LocalApiException>(() => cluster.Cluster.DeleteAsync("coordination.k8s.io/v1", "Lease", "default", "applied"));
        Assert.Equal(404, missing.Code);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relativePath, string content)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
