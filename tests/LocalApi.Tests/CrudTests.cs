using System.Net;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class CrudTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task Create_get_list_and_delete_round_trip_with_server_set_metadata()
    {
        var ns = await cluster.NewNamespaceAsync();
        var lease = Manifests.Lease(ns, "one");
        lease["spec"]!["unknownField"] = new JsonObject { ["kept"] = true };

        var created = await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease);
        var metadata = created["metadata"]!.AsObject();
        Assert.Matches("^[0-9]+$", (string)metadata["resourceVersion"]!);
        Assert.True(Guid.TryParse((string)metadata["uid"]!, out _));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string)metadata["creationTimestamp"]!);
        Assert.Equal(1, (int)metadata["generation"]!);
        Assert.True((bool)created["spec"]!["unknownField"]!["kept"]!);

        var fetched = await Api.GetOkAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/one");
        Assert.True(JsonNode.DeepEquals(created, fetched));

        var items = await Api.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases");
        var item = Assert.Single(items);
        Assert.Equal("coordination.k8s.io/v1", (string)item["apiVersion"]!);
        Assert.Equal("Lease", (string)item["kind"]!);
        Assert.Contains(await Api.ListAsync("/apis/coordination.k8s.io/v1/leases"), l => (string)l["metadata"]!["namespace"]! == ns);

        var (status, deleted) = await Api.DeleteAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/one");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("one", (string)deleted["metadata"]!["name"]!);
        Assert.True(long.Parse((string)deleted["metadata"]!["resourceVersion"]!) > long.Parse((string)metadata["resourceVersion"]!));
        var (missing, notFound) = await Api.GetAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/one");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        AssertStatus(notFound, 404, "NotFound");
        Assert.Equal("leases.coordination.k8s.io \"one\" not found", (string)notFound["message"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DeleteAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/one")).Status);
    }

    [Fact]
    public async Task Duplicate_create_is_409_AlreadyExists()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "dup"));
        var (status, body) = await Api.PostAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "dup"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        AssertStatus(body, 409, "AlreadyExists");
    }

    [Fact]
    public async Task Create_fills_namespace_from_url_and_checks_it()
    {
        var ns = await cluster.NewNamespaceAsync();
        var lease = Manifests.Lease(ns, "filled");
        lease["metadata"]!.AsObject().Remove("namespace");
        var created = await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease);
        Assert.Equal(ns, (string)created["metadata"]!["namespace"]!);

        var (mismatch, body) = await Api.PostAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease("default", "other"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        AssertStatus(body, 400, "BadRequest");

        var (missing, notFound) = await Api.PostAsync("/apis/coordination.k8s.io/v1/namespaces/nope/leases", Manifests.Lease("nope", "x"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("namespaces \"nope\" not found", (string)notFound["message"]!);
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        var ns = await cluster.NewNamespaceAsync();
        var lease = Manifests.Lease(ns, "");
        lease["metadata"]!.AsObject().Remove("name");
        lease["metadata"]!["generateName"] = "gen-";
        var created = await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease);
        Assert.Matches("^gen-[a-z0-9]{5}$", (string)created["metadata"]!["name"]!);
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("-leading-dash")]
    [InlineData("UPPER")]
    public async Task Invalid_names_are_422_with_the_field_named(string name)
    {
        var ns = await cluster.NewNamespaceAsync();
        var (status, body) = await Api.PostAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, name));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertStatus(body, 422, "Invalid");
        Assert.Equal("metadata.name", (string)body["details"]!["causes"]![0]!["field"]!);
        Assert.Equal("Lease", (string)body["details"]!["kind"]!);
    }

    [Fact]
    public async Task A_body_of_another_kind_is_422()
    {
        var ns = await cluster.NewNamespaceAsync();
        var (status, body) = await Api.PostAsync($"/api/v1/namespaces/{ns}/services", Manifests.Lease(ns, "wrong"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var fields = body["details"]!["causes"]!.AsArray().Select(c => (string)c!["field"]!).ToList();
        Assert.Contains("apiVersion", fields);
        Assert.Contains("kind", fields);
    }

    [Fact]
    public async Task Stale_put_is_409_Conflict_and_put_without_resourceVersion_is_unconditional()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/cas";
        var created = await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "cas"));

        var first = created.DeepClone().AsObject();
        first["spec"]!["holderIdentity"] = "a";
        var updated = await Api.ReplaceAsync(path, first);
        Assert.NotEqual((string)created["metadata"]!["resourceVersion"]!, (string)updated["metadata"]!["resourceVersion"]!);

        var stale = created.DeepClone().AsObject();
        stale["spec"]!["holderIdentity"] = "b";
        var (status, body) = await Api.PutAsync(path, stale);
        Assert.Equal(HttpStatusCode.Conflict, status);
        AssertStatus(body, 409, "Conflict");

        stale["metadata"]!.AsObject().Remove("resourceVersion");
        var forced = await Api.ReplaceAsync(path, stale);
        Assert.Equal("b", (string)forced["spec"]!["holderIdentity"]!);
        Assert.Equal((string)created["metadata"]!["uid"]!, (string)forced["metadata"]!["uid"]!);
    }

    [Fact]
    public async Task Put_of_a_missing_object_is_404_and_a_name_mismatch_400()
    {
        var ns = await cluster.NewNamespaceAsync();
        var (missing, _) = await Api.PutAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/ghost", Manifests.Lease(ns, "ghost"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "real"));
        var (mismatch, _) = await Api.PutAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/real", Manifests.Lease(ns, "other"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
    }

    [Fact]
    public async Task Generation_moves_only_when_spec_changes_and_a_no_op_put_writes_nothing()
    {
        // A kind no local controller writes to, so every resourceVersion here is this test's own.
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/grpcroutes/gen";
        var route = Manifests.HttpRoute(ns, "gen", "svc");
        route["kind"] = "GRPCRoute";
        var created = await Api.CreateAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/grpcroutes", route);
        Assert.Equal(1, (int)created["metadata"]!["generation"]!);

        var labelled = created.DeepClone().AsObject();
        labelled["metadata"]!["labels"] = new JsonObject { ["touched"] = "yes" };
        var afterLabel = await Api.ReplaceAsync(path, labelled);
        Assert.Equal(1, (int)afterLabel["metadata"]!["generation"]!);

        var noOp = await Api.ReplaceAsync(path, afterLabel);
        Assert.Equal((string)afterLabel["metadata"]!["resourceVersion"]!, (string)noOp["metadata"]!["resourceVersion"]!);

        var changed = afterLabel.DeepClone().AsObject();
        changed["spec"]!["hostnames"] = new JsonArray("grpc.example");
        var afterSpec = await Api.ReplaceAsync(path, changed);
        Assert.Equal(2, (int)afterSpec["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Status_is_written_only_through_the_status_subresource()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/route";
        var route = Manifests.HttpRoute(ns, "route", "svc");
        route["status"] = new JsonObject { ["parents"] = new JsonArray() };
        var created = await Api.CreateAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", route);
        Assert.Null(created["status"]);

        var withStatus = created.DeepClone().AsObject();
        withStatus["status"] = new JsonObject { ["parents"] = new JsonArray(new JsonObject { ["controllerName"] = "mesh" }) };
        withStatus["spec"]!["hostnames"] = new JsonArray("ignored.example");
        var statusWritten = await Api.ReplaceAsync(path + "/status", withStatus);
        Assert.Equal("mesh", (string)statusWritten["status"]!["parents"]![0]!["controllerName"]!);
        Assert.Null(statusWritten["spec"]!["hostnames"]);
        Assert.Equal(1, (int)statusWritten["metadata"]!["generation"]!);

        var mainWrite = statusWritten.DeepClone().AsObject();
        mainWrite["status"] = new JsonObject { ["parents"] = new JsonArray() };
        mainWrite["spec"]!["hostnames"] = new JsonArray("kept.example");
        var specWritten = await Api.ReplaceAsync(path, mainWrite);
        Assert.Equal("mesh", (string)specWritten["status"]!["parents"]![0]!["controllerName"]!);
        Assert.Equal("kept.example", (string)specWritten["spec"]!["hostnames"]![0]!);
        Assert.Equal(2, (int)specWritten["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Merge_patch_changes_only_what_it_names()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/patched";
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "patched", new JsonObject { ["a"] = "1", ["b"] = "2" }));
        var patch = JsonNode.Parse("""{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"leaseDurationSeconds":15}}""")!;
        var (status, body) = await Api.SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"b":"2","c":"3"}""", body["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(15, (int)body["spec"]!["leaseDurationSeconds"]!);
        Assert.Equal("nobody", (string)body["spec"]!["holderIdentity"]!);

        // What kubectl label sends: a strategic merge patch that means the same as a merge patch.
        var label = JsonNode.Parse("""{"metadata":{"labels":{"d":"4"}}}""")!;
        var (labelled, afterLabel) = await Api.SendAsync(HttpMethod.Patch, path, label, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, labelled);
        Assert.Equal("4", (string)afterLabel["metadata"]!["labels"]!["d"]!);

        // A list the Kubernetes types do not key is replaced by a strategic patch, as by a merge patch.
        var unkeyed = JsonNode.Parse("""{"spec":{"items":[{"name":"x"}]}}""")!;
        var (replaced, afterReplace) = await Api.SendAsync(HttpMethod.Patch, path, unkeyed, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal("""[{"name":"x"}]""", afterReplace["spec"]!["items"]!.ToJsonString());
        var (unsupported, _) = await Api.SendAsync(HttpMethod.Patch, path, new JsonObject(), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
    }

    [Fact]
    public async Task Json_patch_applies_its_operations_in_order_or_none_of_them()
    {
        var ns = await cluster.NewNamespaceAsync();
        var path = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/json";
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "json", new JsonObject { ["a/b"] = "1" }));

        // What kubectl patch --type=json sends.
        var patch = JsonNode.Parse("""
            [{"op":"test","path":"/spec/holderIdentity","value":"nobody"},
             {"op":"replace","path":"/spec/holderIdentity","value":"me"},
             {"op":"add","path":"/metadata/finalizers","value":["x"]},
             {"op":"add","path":"/metadata/finalizers/-","value":"z"},
             {"op":"add","path":"/metadata/finalizers/1","value":"y"},
             {"op":"copy","from":"/metadata/labels/a~1b","path":"/metadata/labels/c"},
             {"op":"move","from":"/metadata/labels/a~1b","path":"/metadata/labels/d"},
             {"op":"remove","path":"/metadata/finalizers/0"}]
            """)!;
        var (status, body) = await Api.SendAsync(HttpMethod.Patch, path, patch, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("me", (string)body["spec"]!["holderIdentity"]!);
        Assert.Equal("""["y","z"]""", body["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""{"c":"1","d":"1"}""", body["metadata"]!["labels"]!.ToJsonString());

        // A test that fails, or a path that is not there, is a 422 and changes nothing.
        var before = await Api.GetOkAsync(path);
        foreach (var failing in new[]
                 {
                     """[{"op":"replace","path":"/spec/holderIdentity","value":"you"},{"op":"test","path":"/spec/holderIdentity","value":"nobody"}]""",
                     """[{"op":"remove","path":"/spec/missing"}]""",
                     """[{"op":"add","path":"/metadata/finalizers/7","value":"far"}]""",
                 })
        {
            var (refused, reason) = await Api.SendAsync(HttpMethod.Patch, path, JsonNode.Parse(failing)!, "application/json-patch+json");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
            AssertStatus(reason, 422, "Invalid");
        }
        Assert.True(JsonNode.DeepEquals(before, await Api.GetOkAsync(path)));
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.SendAsync(HttpMethod.Patch, path, new JsonObject(), "application/json-patch+json")).Status);
    }

    [Fact]
    public async Task A_dry_run_is_checked_and_admitted_as_for_real_and_stores_nothing()
    {
        var ns = await cluster.NewNamespaceAsync();
        var services = $"/api/v1/namespaces/{ns}/services";
        var ports = new JsonArray(new JsonObject { ["port"] = 80 });

        // kubectl diff and --dry-run=server send ?dryRun=All without asking whether it is honoured.
        var (created, dry) = await Api.PostAsync($"{services}?dryRun=All", Manifests.Service(ns, "dry", new JsonObject { ["app"] = "x" }, ports));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.NotNull(dry["spec"]!["clusterIP"]); // As the create would give it...
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"{services}/dry")).Status); // ...but nothing is stored.

        var taken = Manifests.Service(ns, "taken", new JsonObject { ["app"] = "x" }, ports.DeepClone().AsArray());
        taken["spec"]!["clusterIP"] = (string)dry["spec"]!["clusterIP"]!;
        await Api.CreateAsync(services, taken); // The dry run held no address: it is free to ask for.
        var real = await Api.CreateAsync(services, Manifests.Service(ns, "dry", new JsonObject { ["app"] = "x" }, ports.DeepClone().AsArray()));
        var patch = JsonNode.Parse("""{"metadata":{"labels":{"tier":"dry"}}}""")!;
        var (patched, patchedBody) = await Api.SendAsync(HttpMethod.Patch, $"{services}/dry?dryRun=All", patch, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("dry", (string)patchedBody["metadata"]!["labels"]!["tier"]!);
        var replaced = real.DeepClone().AsObject();
        replaced["metadata"]!["labels"] = new JsonObject { ["tier"] = "put" };
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Put, $"{services}/dry?dryRun=All", replaced)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Delete, $"{services}/dry?dryRun=All")).Status);

        var after = await Api.GetOkAsync($"{services}/dry");
        Assert.True(JsonNode.DeepEquals(real, after), "a dry run changed the stored object");
        var (invalid, refusal) = await Api.PostAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes?dryRun=All",
            JsonNode.Parse("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r"},"spec":{"rules":[{"matches":[{"path":{"type":"Nope"}}]}]}}""")!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid);
        AssertStatus(refusal, 422, "Invalid");
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.SendAsync(HttpMethod.Delete, $"{services}/dry?dryRun=Yes")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync($"{services}/dry")).Status);

        // kubectl delete --dry-run=server says so in a DeleteOptions body; preconditions name the object meant.
        var options = JsonNode.Parse("""{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}""")!;
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Delete, $"{services}/dry", options)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync($"{services}/dry")).Status);
        var otherUid = JsonNode.Parse("""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"not-this-one"}}""")!;
        var (refusedDelete, why) = await Api.SendAsync(HttpMethod.Delete, $"{services}/dry", otherUid);
        Assert.Equal(HttpStatusCode.Conflict, refusedDelete);
        Assert.StartsWith("Precondition failed: UID in precondition: not-this-one", (string)why["message"]!);
        var thisUid = new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = (string)real["metadata"]!["uid"]! } };
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Delete, $"{services}/dry", thisUid)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"{services}/dry")).Status);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_what_is_in_it()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "inside"));
        var (status, deleted) = await Api.DeleteAsync($"/api/v1/namespaces/{ns}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Namespace", (string)deleted["kind"]!);
        Assert.Empty(await Api.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases"));
    }

    [Fact]
    public async Task Unknown_paths_and_verbs_answer_with_Status_objects()
    {
        var (unknown, body) = await Api.GetAsync("/apis/example.com/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        AssertStatus(body, 404, "NotFound");
        var (notAllowed, _) = await Api.PostAsync("/api/v1/pods", new JsonObject());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed);
        var (badBody, _) = await Api.SendAsync(HttpMethod.Post, "/api/v1/namespaces", JsonValue.Create("not an object"));
        Assert.Equal(HttpStatusCode.BadRequest, badBody);
    }

    internal static void AssertStatus(JsonObject body, int code, string reason)
    {
        Assert.Equal("Status", (string)body["kind"]!);
        Assert.Equal("v1", (string)body["apiVersion"]!);
        Assert.Equal("Failure", (string)body["status"]!);
        Assert.Equal(code, (int)body["code"]!);
        Assert.Equal(reason, (string)body["reason"]!);
        Assert.False(string.IsNullOrEmpty((string)body["message"]!));
    }
}
