using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>The HTTPRoute Mesh tests added in Gateway API v1.4: matching, header modifiers, weights, named rules.</summary>
[Collection(Collections.Profile)]
[Trait("Conformance", "upstream")]
public sealed class HttpRouteScenarios(ProfileFixture fixture)
{
    private static MeshRequest Get(string path, params (string Name, string Value)[] headers) =>
        new() { Host = "echo", Path = path, Headers = headers };

    [Fact]
    public Task MeshHTTPRouteSimpleSameNamespace() => fixture.RunAsync(nameof(MeshHTTPRouteSimpleSameNamespace), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-simple-same-namespace.yaml");
        await ExpectAsync(client, Get("/"), Expect.Ok("echo-v1"));
        // Beyond upstream: all of it, not just a few requests (without the route echo has both versions).
        await ExpectDistributionAsync(_ => client.SendAsync(Get("/")), new Dictionary<string, double> { ["echo-v1"] = 1.0 }, total: 60, tolerance: 0);
    });

    [Fact]
    public Task MeshHTTPRouteMatching() => fixture.RunAsync(nameof(MeshHTTPRouteMatching), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-matching.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("/"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/example"), Expect.Ok("echo-v1") with { BackendPath = "/example" }),
            Case.Http(client, Get("/", ("Version", "one")), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/v2"), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/v2/example"), Expect.Ok("echo-v2") with { BackendPath = "/v2/example" }),
            Case.Http(client, Get("/", ("Version", "two")), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/v2/"), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/v2example"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/foo/v2/example"), Expect.Ok("echo-v1")));
    });

    [Fact]
    public Task MeshHTTPRouteQueryParamMatching() => fixture.RunAsync(nameof(MeshHTTPRouteQueryParamMatching), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-query-param-matching.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("/?animal=whale"), Expect.Ok("echo-v1") with { BackendPath = "/?animal=whale" }),
            Case.Http(client, Get("/?animal=dolphin"), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/?animal=whale&otherparam=irrelevant"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/?animal=dolphin&color=yellow"), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/?color=blue"), Expect.Status(404)),
            Case.Http(client, Get("/?animal=dog"), Expect.Status(404)),
            Case.Http(client, Get("/?animal=whaledolphin"), Expect.Status(404)),
            Case.Http(client, Get("/"), Expect.Status(404)),
            Case.Http(client, Get("/path1?animal=whale"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/?animal=whale", ("version", "one")), Expect.Ok("echo-v2")),
            Case.Http(client, Get("/path3?animal=shark"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/path4?animal=kraken", ("version", "three")), Expect.Ok("echo-v1")),
            Case.Http(client, Get("/?animal=shark"), Expect.Status(404)),
            Case.Http(client, Get("/path4?animal=kraken"), Expect.Status(404)),
            Case.Http(client, Get("/path5?animal=hydra"), Expect.Ok("echo-v1")));
    });

    [Fact]
    public Task MeshHTTPRouteRequestHeaderModifier() => fixture.RunAsync(nameof(MeshHTTPRouteRequestHeaderModifier), async mesh =>
        await HeaderModifierCasesAsync(mesh, "mesh/httproute-request-header-modifier.yaml"));

    [Fact]
    public Task MeshHTTPRouteBackendRequestHeaderModifier() => fixture.RunAsync(nameof(MeshHTTPRouteBackendRequestHeaderModifier), async mesh =>
        await HeaderModifierCasesAsync(mesh, "mesh/httproute-request-header-modifier-backend.yaml"));

    /// <summary>The cases both header modifier tests share; the filters sit at rule level in one manifest and on the backendRef in the other.</summary>
    private static async Task HeaderModifierCasesAsync(InProcessMesh mesh, string manifest)
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync(manifest);
        await ExpectAllAsync(
            Case.Http(client, Get("/set", ("Some-Other-Header", "val")), Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string> { ["Some-Other-Header"] = "val", ["X-Header-Set"] = "set-overwrites-values" },
            }),
            Case.Http(client, Get("/set", ("X-Header-Set", "some-other-value")), Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string> { ["X-Header-Set"] = "set-overwrites-values" },
            }),
            Case.Http(client, Get("/add", ("Some-Other-Header", "val")), Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string> { ["Some-Other-Header"] = "val", ["X-Header-Add"] = "add-appends-values" },
            }),
            Case.Http(client, Get("/add", ("X-Header-Add", "some-other-value")), Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string> { ["X-Header-Add"] = "some-other-value,add-appends-values" },
            }),
            Case.Http(client, Get("/remove", ("X-Header-Remove", "val")), Expect.Ok("echo-v1") with
            {
                AbsentRequestHeaders = ["X-Header-Remove"],
            }),
            Case.Http(client, Get("/multiple", ("X-Header-Set-2", "set-val-2"), ("X-Header-Add-2", "add-val-2"), ("X-Header-Remove-2", "remove-val-2"),
                ("Another-Header", "another-header-val")), Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string>
                {
                    ["X-Header-Set-1"] = "header-set-1",
                    ["X-Header-Set-2"] = "header-set-2",
                    ["X-Header-Add-1"] = "header-add-1",
                    ["X-Header-Add-2"] = "add-val-2,header-add-2",
                    ["X-Header-Add-3"] = "header-add-3",
                    ["Another-Header"] = "another-header-val",
                },
                AbsentRequestHeaders = ["X-Header-Remove-1", "X-Header-Remove-2"],
            }),
            Case.Http(client, Get("/case-insensitivity", ("x-header-set", "original-val-set"), ("x-header-add", "original-val-add"), ("x-header-remove", "original-val-remove")),
                Expect.Ok("echo-v1") with
                {
                    RequestHeaders = new Dictionary<string, string> { ["X-Header-Set"] = "header-set", ["X-Header-Add"] = "original-val-add,header-add" },
                    AbsentRequestHeaders = ["x-header-remove"],
                }));
    }

    [Fact]
    public Task MeshHTTPRouteWeight() => fixture.RunAsync(nameof(MeshHTTPRouteWeight), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-weight.yaml");
        await ExpectAsync(client, Get("/"), Expect.Ok());
        // 500 requests, 10 at a time, each with a random X-Jitter header so nothing can key on the request.
        await ExpectDistributionAsync(i => client.SendAsync(Get("/", ("X-Jitter", Random.Shared.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            new Dictionary<string, double> { ["echo-v1"] = 0.7, ["echo-v2"] = 0.3 });
    });

    [Fact]
    public Task MeshHTTPRouteNamedRule() => fixture.RunAsync(nameof(MeshHTTPRouteNamedRule), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-named-rule.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("/named"), Expect.Ok("echo-v1") with { BackendPath = "/named" }),
            Case.Http(client, Get("/unnamed"), Expect.Ok("echo-v2") with { BackendPath = "/unnamed" }));
    });
}
