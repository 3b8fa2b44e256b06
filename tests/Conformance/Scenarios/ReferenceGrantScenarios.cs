using Mesh.Conformance.Tests.Harness;
using static Mesh.Conformance.Tests.Harness.ScenarioSteps;

namespace Mesh.Conformance.Tests.Scenarios;

/// <summary>A mesh whose silo requires ReferenceGrants for cross-namespace backendRefs (pods in 127.1.61.0/24, Services in 127.2.61.0/24).</summary>
public sealed class ReferenceGrantFixture : IAsyncLifetime
{
    public InProcessMesh Mesh { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Mesh = await InProcessMesh.StartAsync(new MeshOptions
        {
            ProxyName = "conformance-refgrants",
            PodNetworkBase = "127.1.61.0",
            ServiceNetworkBase = "127.2.61.0",
            Resources = [RepoPaths.Manifest("base")],
            RequireReferenceGrants = true,
        });

    public async Task DisposeAsync()
    {
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
    }
}

[CollectionDefinition(Collections.ReferenceGrants)]
public sealed class ReferenceGrantCollection : ICollectionFixture<ReferenceGrantFixture>;

/// <summary>
/// Mesh's own scenarios (not upstream): with RequireReferenceGrants, a consumer route's backendRef into
/// the producer namespace resolves only while a ReferenceGrant there allows it.
/// </summary>
[Collection(Collections.ReferenceGrants)]
[Trait("Conformance", "mesh-extra")]
public sealed class ReferenceGrantScenarios(ReferenceGrantFixture fixture)
{
    private InProcessMesh Mesh => fixture.Mesh;

    private static readonly MeshRequest ToEchoV1 = new() { Host = "echo-v1.gateway-conformance-mesh" };

    private static readonly Expect Granted = Expect.Ok("echo-v2") with
    {
        ResponseHeaders = new Dictionary<string, string> { ["X-Seen-By"] = "consumer" },
    };

    [Fact]
    public async Task A_cross_namespace_backendRef_needs_a_ReferenceGrant_for_that_Service_and_follows_it_live()
    {
        var consumer = await Mesh.ConsumerClientAsync();
        var producer = await Mesh.V1ClientAsync();
        await using var routes = await Mesh.ApplyAsync("refgrant/consumer-route.yaml");
        var route = routes.Routes.Single();

        // No grant: accepted, but the reference is not permitted, so its share (all of it) is 500.
        await RouteStatus.WaitForConditionAsync(Mesh.Api, route, "ResolvedRefs", "False", "RefNotPermitted");
        await ExpectAllAsync(
            Case.Http(consumer, ToEchoV1, Expect.Status(500)),
            Case.Http(producer, ToEchoV1, Expect.Ok("echo-v1") with { AbsentResponseHeaders = ["X-Seen-By"] }));

        // A grant for echo-v2, beside one for echo-v1: resolved, and the consumer route's backend serves.
        await using (await Mesh.ApplyAsync("refgrant/grant-other-service.yaml"))
        {
            await using (await Mesh.ApplyAsync("refgrant/grant.yaml"))
            {
                await RouteStatus.WaitForConditionAsync(Mesh.Api, route, "ResolvedRefs", "True", "ResolvedRefs");
                await ExpectAllAsync(
                    Case.Http(consumer, ToEchoV1, Granted),
                    Case.Http(producer, ToEchoV1, Expect.Ok("echo-v1") with { AbsentResponseHeaders = ["X-Seen-By"] }));
            }

            // The echo-v2 grant withdrawn: the echo-v1 grant (in force all along) does not permit echo-v2.
            await RouteStatus.WaitForConditionAsync(Mesh.Api, route, "ResolvedRefs", "False", "RefNotPermitted");
            await ExpectAsync(consumer, ToEchoV1, Expect.Status(500));
        }
    }

    [Fact]
    public async Task Same_namespace_backendRefs_need_no_grant()
    {
        var client = await Mesh.V1ClientAsync();
        await using var routes = await Mesh.ApplyAsync("mesh/mesh-split.yaml");
        await RouteStatus.WaitForConditionAsync(Mesh.Api, routes.Routes.Single(), "ResolvedRefs", "True", "ResolvedRefs");
        await ExpectAllAsync(
            Case.Http(client, new MeshRequest { Host = "echo", Path = "/v1" }, Expect.Ok("echo-v1")),
            Case.Http(client, new MeshRequest { Host = "echo", Path = "/v2" }, Expect.Ok("echo-v2")));
    }
}
