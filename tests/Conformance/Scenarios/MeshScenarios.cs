using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>
/// The first Mesh conformance tests (up to Gateway API v1.3): reachability, a split, route scoping by
/// frontend (Service, port, destination rather than Host) and consumer routes. Written from the
/// specification of each upstream test, with more checks where the upstream harness is silent.
/// </summary>
[Collection(Collections.Profile)]
[Trait("Conformance", "upstream")]
public sealed class MeshScenarios(ProfileFixture fixture)
{
    private static MeshRequest Get(string host, string path = "/", string? hostHeader = null) =>
        new() { Host = host, Path = path, HostHeader = hostHeader };

    [Fact]
    public Task MeshBasic() => fixture.RunAsync(nameof(MeshBasic), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await ExpectAllAsync(
            Case.Http(client, Get("echo"), Expect.Ok() with { BackendNamespace = MeshNs }),
            Case.Http(client, Get("echo.gateway-conformance-mesh.svc.cluster.local", "/full-name"), Expect.Ok() with { BackendPath = "/full-name" }));
    });

    [Fact]
    public Task MeshTrafficSplit() => fixture.RunAsync(nameof(MeshTrafficSplit), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/mesh-split.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("echo", "/v1"), Expect.Ok("echo-v1")),
            Case.Http(client, Get("echo", "/v2"), Expect.Ok("echo-v2")),
            // Beyond upstream: a Service with routes that match nothing answers 404, not its endpoints.
            Case.Http(client, Get("echo", "/v3"), Expect.Status(404)));
    });

    [Fact]
    public Task MeshFrontend() => fixture.RunAsync(nameof(MeshFrontend), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        var v2Pod = await mesh.Api.PodAsync(MeshNs, "app=echo,version=v2");
        await using var routes = await mesh.ApplyAsync("mesh/mesh-frontend.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("echo-v2"), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Header-Set", "set") }),
            Case.Http(client, Get($"{v2Pod.IP}:8080"), Expect.Ok("echo-v2") with { AbsentResponseHeaders = ["X-Header-Set"] }));
    });

    [Fact]
    public Task MeshFrontendHostname() => fixture.RunAsync(nameof(MeshFrontendHostname), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        var clusterIP = (await mesh.Api.GetAsync($"{KubeApi.Collection("v1", "services", MeshNs)}/echo-v2"))!["spec"]!["clusterIP"]!.GetValue<string>();
        await using var routes = await mesh.ApplyAsync("mesh/mesh-frontend.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("echo-v2", hostHeader: "echo-v1"), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Header-Set", "set") }),
            Case.Http(client, Get("echo-v1", hostHeader: "echo-v2"), Expect.Ok("echo-v1") with { AbsentResponseHeaders = ["X-Header-Set"] }),
            // Beyond upstream: sent to the Service's cluster IP (with a Host naming another Service).
            Case.Http(client, Get(clusterIP, hostHeader: "echo-v1"), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Header-Set", "set") }));
    });

    [Fact]
    public Task MeshPorts() => fixture.RunAsync(nameof(MeshPorts), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/mesh-ports.yaml");
        await ExpectAllAsync(
            Case.Http(client, Get("echo-v1"), Expect.Ok("echo-v1") with { ResponseHeaders = Header("X-Header-Set", "v1") }),
            Case.Http(client, Get("echo-v1:8080"), Expect.Ok("echo-v1") with { AbsentResponseHeaders = ["X-Header-Set"] }),
            Case.Http(client, Get("echo-v2"), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Header-Set", "v2") }),
            Case.Http(client, Get("echo-v2:8080"), Expect.Ok("echo-v2") with { ResponseHeaders = Header("X-Header-Set", "v2") }));
    });

    [Fact]
    public Task MeshConsumerRoute() => fixture.RunAsync(nameof(MeshConsumerRoute), async mesh =>
    {
        var consumer = await mesh.ConsumerClientAsync();
        var producer = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/mesh-consumer-route.yaml");
        await ExpectAllAsync(
            Case.Http(consumer, Get("echo-v1.gateway-conformance-mesh"),
                Expect.Ok("echo-v1") with { BackendNamespace = MeshNs, ResponseHeaders = Header("X-Header-Set", "set") }),
            Case.Http(producer, Get("echo-v1.gateway-conformance-mesh"),
                Expect.Ok("echo-v1") with { BackendNamespace = MeshNs, AbsentResponseHeaders = ["X-Header-Set"] }));
    });

    internal static Dictionary<string, string> Header(string name, string value) => new() { [name] = value };
}
