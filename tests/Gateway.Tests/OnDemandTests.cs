using Mesh.Gateway;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Subscription;
using Mesh.Gateway.Tables;
using Mesh.Grains.Model;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Gateway.Tests;

public class OnDemandTests
{
    private static readonly ServiceDirectory Directory = ServiceDirectory.From(new Dictionary<string, Versioned<ServiceDirectoryEntry>>
    {
        ["faces/smiley"] = new("d1", new ServiceDirectoryEntry { Namespace = "faces", Name = "smiley", ClusterIP = "127.2.0.7", Ports = [80] }),
    });

    /// <summary>faces/smiley: one rule to smiley-v1 (mirrored to audit) and an unresolved backend.</summary>
    private static Versioned<FrontendFacet> Smiley() => new("f1", new FrontendFacet
    {
        Namespace = "faces",
        Name = "smiley",
        ClusterIP = "127.2.0.7",
        Ports =
        [
            new FrontendPort
            {
                Port = 80,
                Producer = new RouteGroup
                {
                    Entries =
                    [
                        new RouteEntry
                        {
                            Route = "faces/split",
                            Filters = [new HttpRouteFilter { Type = "RequestMirror", RequestMirror = new HttpRequestMirrorFilter { BackendRef = new HttpBackendRef { Name = "audit", Port = 80 } } }],
                            Backends =
                            [
                                new ResolvedBackend { Service = "faces/smiley-v1", Port = 80, Weight = 1 },
                                new ResolvedBackend { Service = "faces/missing", Port = 80, Weight = 1, Unresolved = "BackendNotFound" },
                                new ResolvedBackend { Service = "faces/smiley", Port = 80, Weight = 1 },
                            ],
                        },
                    ],
                },
            },
        ],
    });

    [Theory]
    [InlineData("smiley.faces", null)]
    [InlineData("smiley.faces.svc.cluster.local:80", null)]
    [InlineData("smiley", "faces")]
    [InlineData("127.2.0.7", null)]
    public void The_directory_names_a_Service_that_is_not_fetched_yet(string authority, string? clientNamespace)
    {
        Assert.True(Authority.TryParse(authority, out var parsed));

        Assert.Equal("faces/smiley", FrontendResolver.ResolveKey(Directory, parsed, clientNamespace));
        Assert.Null(FrontendResolver.Resolve(RouteTables.Empty, parsed, clientNamespace));
    }

    [Theory]
    [InlineData("nothing.faces")]
    [InlineData("smiley.other")]
    [InlineData("127.2.0.8")]
    public void The_directory_does_not_guess(string authority)
    {
        Assert.True(Authority.TryParse(authority, out var parsed));

        Assert.Null(FrontendResolver.ResolveKey(Directory, parsed, null));
    }

    [Fact]
    public void A_Service_references_the_resolved_Services_its_routes_send_and_mirror_to()
    {
        var table = TableCompiler.CompileService("faces/smiley", Smiley());

        Assert.Equal(["faces/audit", "faces/smiley-v1"], table.References);
    }

    [Fact]
    public async Task A_wanted_Service_is_ready_once_it_and_the_Services_it_references_have_arrived()
    {
        var tables = new TableHolder();
        var demand = new ServiceDemand(new GatewayOptions { Subscribe = SubscriptionModes.OnDemand, OnDemandWaitSeconds = 600 }, tables,
            NullLogger<ServiceDemand>.Instance);

        var ensured = demand.EnsureAsync("faces/smiley", CancellationToken.None);
        Assert.Equal("faces/smiley", await demand.NewWants.ReadAsync());
        Assert.False(ensured.IsCompleted);

        tables.Replace(new TableCompiler().Compile(new Dictionary<string, Versioned<FrontendFacet>> { ["faces/smiley"] = Smiley() },
            new Dictionary<string, Versioned<BackendFacet>>(), null), complete: true);
        demand.MarkArrived(["faces/smiley"]);
        var references = new[] { await demand.NewWants.ReadAsync(), await demand.NewWants.ReadAsync() };
        Assert.Equal(["faces/audit", "faces/smiley-v1"], references.Order(StringComparer.Ordinal));
        Assert.False(demand.IsReady("faces/smiley", tables.Current));

        demand.MarkArrived(references);
        await ensured;

        Assert.True(demand.IsReady("faces/smiley", tables.Current));
    }

    [Fact]
    public async Task A_Service_that_does_not_arrive_stops_the_wait_and_stays_wanted()
    {
        var demand = new ServiceDemand(new GatewayOptions { Subscribe = SubscriptionModes.OnDemand, OnDemandWaitSeconds = 0.05 }, new TableHolder(),
            NullLogger<ServiceDemand>.Instance);

        await demand.EnsureAsync("faces/smiley", CancellationToken.None);

        Assert.False(demand.IsReady("faces/smiley", RouteTables.Empty));
        Assert.Equal(["faces/smiley"], demand.Wanted);
    }

    [Fact]
    public void The_default_subscription_is_to_every_Service()
    {
        Assert.False(new ServiceDemand(new GatewayOptions(), new TableHolder(), NullLogger<ServiceDemand>.Instance).Enabled);
        Assert.Throws<ArgumentException>(() => new ServiceDemand(new GatewayOptions { Subscribe = "some" }, new TableHolder(), NullLogger<ServiceDemand>.Instance));
    }
}
