using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>
/// GRPCRoute Mesh tests: unary calls over h2c from a pod to echo:7070 (origin form, :authority naming
/// the Service); the echo's reply message carries what it received.
/// </summary>
[Collection(Collections.Profile)]
[Trait("Conformance", "upstream")]
public sealed class GrpcRouteScenarios(ProfileFixture fixture)
{
    private const string Authority = "echo:7070";

    [Fact]
    public Task MeshGRPCRouteWeight() => fixture.RunAsync(nameof(MeshGRPCRouteWeight), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/grpcroute-weight.yaml");
        await ExpectAllAsync(Case.Grpc(client, Authority, EchoService, "Echo", Expect.Ok() with { BackendPath = $"/{EchoService}/Echo" }));
        await ExpectDistributionAsync(_ => client.CallGrpcAsync(Authority, EchoService, "Echo"),
            new Dictionary<string, double> { ["echo-v1"] = 0.7, ["echo-v2"] = 0.3 });
    });

    [Fact]
    public Task MeshGRPCRouteRequestHeaderModifier() => fixture.RunAsync(nameof(MeshGRPCRouteRequestHeaderModifier), async mesh =>
    {
        var v1 = await mesh.V1ClientAsync();
        var v2 = await mesh.V2ClientAsync();
        await using var routes = await mesh.ApplyAsync("mesh/grpcroute-request-header-modifier.yaml");
        await ExpectAllAsync(
            Case.Grpc(v1, Authority, EchoService, "Echo", Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string>
                {
                    ["x-header-set"] = "set-overwrites-values",
                    ["some-other-header"] = "this-header-should-be-set",
                },
            }, ("x-test-case", "set"), ("x-header-set", "this-value-should-be-overwritten"), ("some-other-header", "this-header-should-be-set")),
            Case.Grpc(v1, Authority, EchoService, "Echo", Expect.Ok("echo-v1") with
            {
                RequestHeaders = new Dictionary<string, string> { ["x-header-add"] = "this-value-should-be-appended,add-appends-values" },
            }, ("x-test-case", "add"), ("x-header-add", "this-value-should-be-appended")),
            Case.Grpc(v1, Authority, EchoService, "Echo", Expect.Ok("echo-v1") with
            {
                AbsentRequestHeaders = ["x-header-remove"],
            }, ("x-test-case", "remove"), ("x-header-remove", "this-header-should-be-removed")),
            Case.Grpc(v2, Authority, EchoService, "EchoTwo", Expect.Ok("echo-v2") with
            {
                RequestHeaders = new Dictionary<string, string>
                {
                    ["x-header-set-1"] = "header-set-1",
                    ["x-header-set-2"] = "header-set-2",
                    ["x-header-add-1"] = "header-add-1",
                    ["x-header-add-2"] = "add-header-2,header-add-2",
                },
                AbsentRequestHeaders = ["x-header-remove-1", "x-header-remove-2"],
            }, ("x-test-case", "multi"), ("x-header-set-2", "set-header-2"), ("x-header-add-2", "add-header-2"),
                ("x-header-remove-1", "remove-header-1"), ("x-header-remove-2", "remove-header-2")));
    });

    [Fact]
    public Task MeshGRPCRouteRequestMirror() => fixture.RunAsync(nameof(MeshGRPCRouteRequestMirror), async mesh =>
    {
        var client = await mesh.V1ClientAsync();
        await using var mirror = await RecordingBackend.StartAsync();
        await mirror.RegisterAsync(mesh.Api, MeshNs, "echo-mirror", servicePort: 7070, appProtocol: "kubernetes.io/h2c");
        try
        {
            await using (await mesh.ApplyAsync("mesh/grpcroute-request-mirror.yaml"))
            {
                await ExpectAllAsync(
                    Case.Grpc(client, Authority, EchoService, "Echo", Expect.Ok("echo-v1"), ("x-mirror-only", "true")),
                    Case.Grpc(client, Authority, EchoService, "Echo", Expect.Ok("echo-v1") with
                    {
                        RequestHeaders = new Dictionary<string, string>
                        {
                            ["X-Header-Set"] = "set-overwrites-values",
                            ["X-Header-Add"] = "header-val-1",
                            ["X-Header-Add-Append"] = "append-val-1,header-val-2",
                        },
                        AbsentRequestHeaders = ["X-Header-Remove"],
                    }, ("x-mirror-and-modify", "true"), ("X-Header-Set", "set-val"), ("X-Header-Add-Append", "append-val-1"), ("X-Header-Remove", "remove-val")));

                // Now that the route is in force, each call's copy must reach the mirror (fire and forget, so eventually).
                var onlyMarker = Guid.NewGuid().ToString("N");
                var modifyMarker = Guid.NewGuid().ToString("N");
                var only = await client.CallGrpcAsync(Authority, EchoService, "Echo", [("x-mirror-only", "true"), ("x-marker", onlyMarker)]);
                var modify = await client.CallGrpcAsync(Authority, EchoService, "Echo",
                    [("x-mirror-and-modify", "true"), ("x-marker", modifyMarker), ("X-Header-Set", "set-val"), ("X-Header-Remove", "remove-val")]);
                Assert.True(only.Status == 200 && only.GrpcStatus == 0 && only.Pod?.StartsWith("echo-v1-", StringComparison.Ordinal) == true, $"mirror-only call: {only}");
                Assert.True(modify.Status == 200 && modify.GrpcStatus == 0 && modify.Pod?.StartsWith("echo-v1-", StringComparison.Ordinal) == true, $"mirror-and-modify call: {modify}");

                await Eventually.UntilAsync(() => mirror.Requests.Any(r => r.Header("x-marker") == onlyMarker), "the mirror received the x-mirror-only call");
                await Eventually.UntilAsync(() => mirror.Requests.Any(r => r.Header("x-marker") == modifyMarker), "the mirror received the x-mirror-and-modify call");
                var onlyCopy = mirror.Requests.First(r => r.Header("x-marker") == onlyMarker);
                Assert.Equal($"/{EchoService}/Echo", onlyCopy.PathAndQuery);
                Assert.StartsWith("application/grpc", onlyCopy.Header("content-type"), StringComparison.Ordinal);
                Assert.Equal("HTTP/2", onlyCopy.Protocol);
                var modifyCopy = mirror.Requests.First(r => r.Header("x-marker") == modifyMarker);
                Assert.Equal("set-overwrites-values", modifyCopy.Header("X-Header-Set"));
                Assert.Equal("header-val-1", modifyCopy.Header("X-Header-Add"));
                Assert.Null(modifyCopy.Header("X-Header-Remove"));
            }
        }
        finally
        {
            await SelectorlessService.DeleteAsync(mesh.Api, MeshNs, "echo-mirror");
        }
    });
}
