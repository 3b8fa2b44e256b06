using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>
/// RequestRedirect and URLRewrite. The upstream mesh harness checks only the status code and headers;
/// these scenarios also check the whole Location (scheme, host, port, path) and the path the backend saw.
/// Requests go to http://echo (port 80), so an unchanged Location keeps host "echo" and omits port 80.
/// </summary>
[Collection(Collections.Profile)]
[Trait("Conformance", "upstream")]
public sealed class RedirectRewriteScenarios(ProfileFixture fixture)
{
    private static MeshRequest Get(string path, params (string Name, string Value)[] headers) =>
        new() { Host = "echo", Path = path, Headers = headers };

    private static async Task RedirectsAsync(InProcessMesh mesh, string manifest, params (string Path, int Status, string Location)[] cases)
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync(manifest);
        await ExpectAllAsync(cases.Select(c => Case.Http(client, Get(c.Path), Expect.Redirect(c.Status, c.Location))).ToArray());
    }

    [Fact]
    public Task MeshHTTPRouteRedirectHostAndStatus() => fixture.RunAsync(nameof(MeshHTTPRouteRedirectHostAndStatus), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-redirect-host-and-status.yaml",
            ("/hostname-redirect", 302, "http://example.org/hostname-redirect"),
            ("/host-and-status", 301, "http://example.org/host-and-status")));

    [Fact]
    public Task MeshHTTPRouteRedirectPath() => fixture.RunAsync(nameof(MeshHTTPRouteRedirectPath), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-redirect-path.yaml",
            ("/original-prefix/lemon", 302, "http://echo/replacement-prefix/lemon"),
            ("/full/path/original", 302, "http://echo/full-path-replacement"),
            ("/path-and-host", 302, "http://example.org/replacement-prefix"),
            ("/path-and-status", 301, "http://echo/replacement-prefix"),
            ("/full-path-and-host", 302, "http://example.org/replacement-full"),
            ("/full-path-and-status", 301, "http://echo/replacement-full")));

    [Fact]
    public Task MeshHTTPRouteRedirectPort() => fixture.RunAsync(nameof(MeshHTTPRouteRedirectPort), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-redirect-port.yaml",
            ("/port", 302, "http://echo:8083/port"),
            ("/port-and-host", 302, "http://example.org:8083/port-and-host"),
            ("/port-and-status", 301, "http://echo:8083/port-and-status"),
            ("/port-and-host-and-status", 302, "http://example.org:8083/port-and-host-and-status")));

    [Fact]
    public Task MeshHTTPRouteSchemeRedirect() => fixture.RunAsync(nameof(MeshHTTPRouteSchemeRedirect), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-redirect-scheme.yaml",
            ("/scheme", 302, "https://echo/scheme"),
            ("/scheme-and-host", 302, "https://example.org/scheme-and-host"),
            ("/scheme-and-status", 301, "https://echo/scheme-and-status"),
            ("/scheme-and-host-and-status", 302, "https://example.org/scheme-and-host-and-status")));

    [Fact]
    public Task MeshHTTPRoute303Redirect() => fixture.RunAsync(nameof(MeshHTTPRoute303Redirect), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-303-redirect.yaml", ("/redirect", 303, "http://echo/redirect")));

    [Fact]
    public Task MeshHTTPRoute307Redirect() => fixture.RunAsync(nameof(MeshHTTPRoute307Redirect), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-307-redirect.yaml", ("/temporary", 307, "http://echo/temporary")));

    [Fact]
    public Task MeshHTTPRoute308Redirect() => fixture.RunAsync(nameof(MeshHTTPRoute308Redirect), mesh =>
        RedirectsAsync(mesh, "mesh/httproute-308-redirect.yaml", ("/permanent", 308, "http://echo/permanent")));

    [Fact]
    public Task MeshHTTPRouteRewritePath() => fixture.RunAsync(nameof(MeshHTTPRouteRewritePath), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/httproute-rewrite-path.yaml");
        (string, string)[] headers = [("X-Header-Remove", "remove-val"), ("X-Header-Add-Append", "append-val-1"), ("X-Header-Set", "set-val")];
        var modified = Expect.Ok("echo-v1") with
        {
            RequestHeaders = new Dictionary<string, string>
            {
                ["X-Header-Add"] = "header-val-1",
                ["X-Header-Add-Append"] = "append-val-1,header-val-2",
                ["X-Header-Set"] = "set-overwrites-values",
            },
            AbsentRequestHeaders = ["X-Header-Remove"],
        };
        await ExpectAllAsync(
            Case.Http(client, Get("/prefix/one/two"), Expect.Ok("echo-v1") with { BackendPath = "/one/two" }),
            Case.Http(client, Get("/strip-prefix/three"), Expect.Ok("echo-v1") with { BackendPath = "/three" }),
            Case.Http(client, Get("/strip-prefix"), Expect.Ok("echo-v1") with { BackendPath = "/" }),
            Case.Http(client, Get("/full/one/two"), Expect.Ok("echo-v1") with { BackendPath = "/one" }),
            Case.Http(client, Get("/full/rewrite-path-and-modify-headers/test", headers), modified with { BackendPath = "/test" }),
            Case.Http(client, Get("/prefix/rewrite-path-and-modify-headers/one", headers), modified with { BackendPath = "/prefix/one" }));
    });
}
