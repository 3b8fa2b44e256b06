using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Status;
using static Mesh.Grains.Tests.Objects;

namespace Mesh.Grains.Tests;

public class MeshTranslatorTests
{
    private static MeshState Translate(IEnumerable<Service> services, IEnumerable<HttpRoute> routes, bool requireGrants = false,
        IEnumerable<ReferenceGrant>? grants = null) =>
        MeshTranslator.Translate(new MeshSnapshot
        {
            Services = services.ToList(),
            HttpRoutes = routes.ToList(),
            ReferenceGrants = (grants ?? []).ToList(),
            RequireReferenceGrants = requireGrants,
        });

    [Fact]
    public void A_route_in_the_Services_namespace_is_a_producer_route()
    {
        var state = Translate([Service("faces", "smiley"), Service("faces", "smiley-v1")],
            [Route("faces", "split", ServiceParent("smiley"), Rule(null, Backend("smiley-v1")))]);

        var port = Assert.Single(state.Frontends["faces/smiley"].Ports);
        var entry = Assert.Single(port.Producer!.Entries);
        Assert.Empty(port.Consumers);
        Assert.Equal("faces/split", entry.Route);
        Assert.Equal("faces/smiley-v1", Assert.Single(entry.Backends).Service);
        Assert.Equal(PathMatchType.PathPrefix, entry.Match.Path!.Type);
        Assert.Equal("/", entry.Match.Path.Value);
    }

    [Fact]
    public void An_HTTPRoute_without_rules_has_the_CRD_default_rule_matching_every_request()
    {
        // A cluster whose CRDs lack the default stores no rules: the route still means one PathPrefix "/" rule.
        var route = Route("faces", "bare", ServiceParent("smiley"));
        route = route with { Spec = route.Spec with { Rules = null } };

        var state = Translate([Service("faces", "smiley")], [route]);

        var entry = Assert.Single(Assert.Single(state.Frontends["faces/smiley"].Ports).Producer!.Entries);
        Assert.Equal("faces/bare", entry.Route);
        Assert.Equal((PathMatchType.PathPrefix, "/"), (entry.Match.Path!.Type, entry.Match.Path.Value));
        Assert.Empty(entry.Backends);
    }

    [Fact]
    public void A_route_in_another_namespace_is_a_consumer_route_for_that_namespace_only()
    {
        var state = Translate([Service("faces", "smiley"), Service("faces", "smiley-v2")],
            [Route("fast", "mine", ServiceParent("smiley", "faces"), Rule(null, Backend("smiley-v2", ns: "faces")))]);

        var port = Assert.Single(state.Frontends["faces/smiley"].Ports);
        Assert.Null(port.Producer);
        Assert.Equal(["fast"], port.Consumers.Keys);
        Assert.Equal("faces/smiley-v2", port.Consumers["fast"].Entries.Single().Backends.Single().Service);
    }

    [Fact]
    public void Routes_of_one_group_are_merged_in_precedence_order()
    {
        var state = Translate([Service("ns", "svc"), Service("ns", "a"), Service("ns", "b")],
        [
            Route("ns", "older", 0, ServiceParent("svc"), Rule(Prefix("/"), Backend("a"))),
            Route("ns", "newer", 1, ServiceParent("svc"), Rule(Prefix("/api"), Backend("b")), Rule(Exact("/api/x"), Backend("b"))),
        ]);

        var entries = state.Frontends["ns/svc"].Ports.Single().Producer!.Entries;
        Assert.Equal(["ns/newer#1", "ns/newer#0", "ns/older#0"], entries.Select(e => $"{e.Route}#{e.RuleIndex}"));
    }

    [Fact]
    public void A_parentRef_port_attaches_to_that_port_only()
    {
        var state = Translate([Service("ns", "svc", ("http", 80), ("admin", 9000)), Service("ns", "b")],
            [Route("ns", "r", ServiceParent("svc", port: 9000), Rule(null, Backend("b")))]);

        var ports = state.Frontends["ns/svc"].Ports;
        Assert.Null(ports.Single(p => p.Port == 80).Producer);
        Assert.NotNull(ports.Single(p => p.Port == 9000).Producer);
    }

    [Fact]
    public void A_parentRef_sectionName_names_a_Service_port()
    {
        var state = Translate([Service("ns", "svc", ("http", 80), ("admin", 9000)), Service("ns", "b")],
            [Route("ns", "r", ServiceParent("svc", section: "http"), Rule(null, Backend("b")))]);

        var ports = state.Frontends["ns/svc"].Ports;
        Assert.NotNull(ports.Single(p => p.Port == 80).Producer);
        Assert.Null(ports.Single(p => p.Port == 9000).Producer);
    }

    [Theory]
    [InlineData("missing", null, null)]
    [InlineData("svc", 81, null)]
    [InlineData("svc", null, "nope")]
    public void A_parent_that_does_not_exist_is_not_accepted(string name, int? port, string? section)
    {
        var state = Translate([Service("ns", "svc"), Service("ns", "b")],
            [Route("ns", "r", ServiceParent(name, port: port, section: section), Rule(null, Backend("b")))]);

        var accepted = state.RouteStatuses["HTTPRoute:ns/r"].Parents.Single().Conditions.Single(c => c.Type == RouteConditions.Accepted);
        Assert.Equal("False", accepted.Status);
        Assert.Equal(RouteConditions.Reasons.NoMatchingParent, accepted.Reason);
        Assert.All(state.Frontends["ns/svc"].Ports, p => Assert.Null(p.Producer));
    }

    [Fact]
    public void Routes_whose_parents_are_Gateways_are_left_alone()
    {
        var route = Route("ns", "r", new ParentReference { Name = "gw" }, Rule(null, Backend("b")));
        var state = Translate([Service("ns", "svc"), Service("ns", "b")], [route]);

        Assert.Empty(state.RouteStatuses);
        Assert.Null(state.Frontends["ns/svc"].Ports.Single().Producer);
    }

    [Theory]
    [InlineData("missing", 80, null, RouteConditions.Reasons.BackendNotFound)]
    [InlineData("b", 81, null, RouteConditions.Reasons.BackendNotFound)]
    [InlineData("b", null, null, RouteConditions.Reasons.BackendNotFound)]
    [InlineData("b", 80, "ConfigMap", RouteConditions.Reasons.InvalidKind)]
    public void Unresolvable_backendRefs_keep_their_weight_and_set_ResolvedRefs_false(string name, int? port, string? kind, string reason)
    {
        var rule = Rule(null, Backend("b", weight: 3), Backend(name, port, weight: 1) with { Kind = kind });
        var state = Translate([Service("ns", "svc"), Service("ns", "b")], [Route("ns", "r", ServiceParent("svc"), rule)]);

        var backends = state.Frontends["ns/svc"].Ports.Single().Producer!.Entries.Single().Backends;
        Assert.Null(backends[0].Unresolved);
        Assert.Equal(reason, backends[1].Unresolved);
        Assert.Equal(1, backends[1].Weight);
        var conditions = state.RouteStatuses["HTTPRoute:ns/r"].Parents.Single().Conditions;
        Assert.Equal("True", conditions.Single(c => c.Type == RouteConditions.Accepted).Status);
        var resolved = conditions.Single(c => c.Type == RouteConditions.ResolvedRefs);
        Assert.Equal(("False", reason), (resolved.Status, resolved.Reason));
    }

    [Fact]
    public void Cross_namespace_backends_need_a_ReferenceGrant_only_when_required()
    {
        var services = new[] { Service("faces", "smiley"), Service("faces", "v2") };
        var route = Route("fast", "r", ServiceParent("smiley", "faces"), Rule(null, Backend("v2", ns: "faces")));
        var grant = new ReferenceGrant
        {
            Metadata = new ObjectMeta { Namespace = "faces", Name = "g" },
            Spec = new ReferenceGrantSpec
            {
                From = [new ReferenceGrantFrom { Group = "gateway.networking.k8s.io", Kind = "HTTPRoute", Namespace = "fast" }],
                To = [new ReferenceGrantTo { Group = "", Kind = "Service" }],
            },
        };

        Backends(Translate(services, [route])).ForEach(b => Assert.Null(b.Unresolved));
        Backends(Translate(services, [route], requireGrants: true)).ForEach(b => Assert.Equal(RouteConditions.Reasons.RefNotPermitted, b.Unresolved));
        Backends(Translate(services, [route], requireGrants: true, grants: [grant])).ForEach(b => Assert.Null(b.Unresolved));

        static List<ResolvedBackend> Backends(MeshState state) =>
            state.Frontends["faces/smiley"].Ports.Single().Consumers["fast"].Entries.Single().Backends;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("http", null)]
    [InlineData("kubernetes.io/h2c", null)]
    [InlineData("kubernetes.io/ws", null)]
    [InlineData("grpc", null)]
    [InlineData("https", RouteConditions.Reasons.UnsupportedProtocol)]
    [InlineData("kubernetes.io/wss", RouteConditions.Reasons.UnsupportedProtocol)]
    [InlineData("tcp", RouteConditions.Reasons.UnsupportedProtocol)]
    [InlineData("http2", null)]
    [InlineData("grpc-web", null)]
    public void A_backend_port_whose_appProtocol_the_proxy_cannot_speak_is_UnsupportedProtocol(string? appProtocol, string? unresolved)
    {
        var backend = Service("faces", "v1") with
        {
            Spec = Service("faces", "v1").Spec with { Ports = [new ServicePort { Name = "web", Port = 80, AppProtocol = appProtocol }] },
        };
        var state = Translate([Service("faces", "smiley"), backend], [Route("faces", "r", ServiceParent("smiley"), Rule(null, Backend("v1")))]);

        Assert.Equal(unresolved, state.Frontends["faces/smiley"].Ports.Single().Producer!.Entries.Single().Backends.Single().Unresolved);
        var resolved = state.RouteStatuses["HTTPRoute:faces/r"].Parents.Single().Conditions.Single(c => c.Type == RouteConditions.ResolvedRefs);
        Assert.Equal(unresolved ?? RouteConditions.Reasons.ResolvedRefs, resolved.Reason);
    }

    [Fact]
    public void A_mirror_whose_backend_does_not_resolve_is_dropped_and_ResolvedRefs_says_why()
    {
        HttpRouteFilter Mirror(string name, string? ns = null) => new()
        {
            Type = "RequestMirror",
            RequestMirror = new HttpRequestMirrorFilter { BackendRef = Backend(name, ns: ns) },
        };
        var services = new[] { Service("faces", "smiley"), Service("faces", "v1"), Service("faces", "shadow"), Service("spies", "spy") };
        var route = Route("faces", "r", ServiceParent("smiley"), Rule(null, Backend("v1") with { Filters = [Mirror("spy", "spies")] }) with
        {
            Filters = [Mirror("shadow"), Mirror("missing")],
        });

        var state = Translate(services, [route], requireGrants: true);

        var entry = state.Frontends["faces/smiley"].Ports.Single().Producer!.Entries.Single();
        Assert.Equal(["faces/shadow"], entry.Filters!.Select(f => $"faces/{f.RequestMirror!.BackendRef.Name}"));
        Assert.Empty(entry.Backends.Single().Filters!); // Into another namespace without a grant: not mirrored.
        var resolved = state.RouteStatuses["HTTPRoute:faces/r"].Parents.Single().Conditions.Single(c => c.Type == RouteConditions.ResolvedRefs);
        Assert.Equal(("False", RouteConditions.Reasons.RefNotPermitted), (resolved.Status, resolved.Reason));
        Assert.Contains("requestMirror", resolved.Message);

        var granted = Translate(services, [route]);
        Assert.Single(granted.Frontends["faces/smiley"].Ports.Single().Producer!.Entries.Single().Backends.Single().Filters!);
        var missing = granted.RouteStatuses["HTTPRoute:faces/r"].Parents.Single().Conditions.Single(c => c.Type == RouteConditions.ResolvedRefs);
        Assert.Equal(("False", RouteConditions.Reasons.BackendNotFound), (missing.Status, missing.Reason));
    }

    [Fact]
    public void An_invalid_route_does_not_change_the_state_of_other_routes()
    {
        var services = new[] { Service("ns", "svc"), Service("ns", "b") };
        var good = Route("ns", "good", ServiceParent("svc"), Rule(Prefix("/good"), Backend("b")));
        var bad = Route("ns", "bad", ServiceParent("missing"), Rule(Prefix("/bad"), Backend("nothing")));

        var alone = Translate(services, [good]);
        var withBad = Translate(services, [good, bad]);

        Assert.Equal(ContentVersion.Of(alone.Frontends["ns/svc"]), ContentVersion.Of(withBad.Frontends["ns/svc"]));
        Assert.Equal(ContentVersion.Of(alone.RouteStatuses["HTTPRoute:ns/good"]), ContentVersion.Of(withBad.RouteStatuses["HTTPRoute:ns/good"]));
    }

    [Fact]
    public void Backend_facets_come_from_EndpointSlices_by_Service_port_name()
    {
        var service = Service("ns", "svc", ("http", 80), ("grpc", 9000));
        var slice = new EndpointSlice
        {
            Metadata = new ObjectMeta { Namespace = "ns", Name = "svc-abcde", Labels = new() { ["kubernetes.io/service-name"] = "svc" } },
            Ports = [new SlicePort { Name = "http", Port = 8080 }, new SlicePort { Name = "grpc", Port = 9090 }],
            Endpoints =
            [
                new SliceEndpoint { Addresses = ["127.1.0.2"], Conditions = new EndpointConditions { Ready = true } },
                new SliceEndpoint { Addresses = ["127.1.0.1"], Conditions = new EndpointConditions { Ready = false, Terminating = true } },
            ],
        };
        var state = MeshTranslator.Translate(new MeshSnapshot { Services = [service], EndpointSlices = [slice] });

        var ports = state.Backends["ns/svc"].Ports;
        Assert.Equal([8080, 8080], ports.Single(p => p.Port == 80).Endpoints.Select(e => e.Port));
        Assert.Equal(["127.1.0.1", "127.1.0.2"], ports.Single(p => p.Port == 9000).Endpoints.Select(e => e.Address));
        var terminating = ports[0].Endpoints[0];
        Assert.False(terminating.Ready);
        Assert.True(terminating.Terminating);
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_objects_arrive_in()
    {
        var services = new List<Service> { Service("faces", "smiley"), Service("faces", "v1"), Service("faces", "v2"), Service("other", "x") };
        var routes = new List<HttpRoute>
        {
            Route("faces", "a", 0, ServiceParent("smiley"), Rule(Prefix("/a"), Backend("v1"))),
            Route("faces", "b", 0, ServiceParent("smiley"), Rule(Prefix("/a"), Backend("v2"))),
            Route("fast", "c", 1, ServiceParent("smiley", "faces"), Rule(null, Backend("v2", ns: "faces"))),
            Route("slow", "d", 2, ServiceParent("smiley", "faces"), Rule(Exact("/x"), Backend("v1", ns: "faces"))),
            Route("other", "e", 3, ServiceParent("x"), Rule(null, Backend("x"))),
        };
        var expected = Fingerprint(Translate(services, routes));
        var random = new Random(1234);
        for (var i = 0; i < 25; i++)
        {
            var shuffledServices = services.OrderBy(_ => random.Next()).ToList();
            var shuffledRoutes = routes.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Fingerprint(Translate(shuffledServices, shuffledRoutes)));
        }

        static string Fingerprint(MeshState state) =>
            string.Join(",", state.Frontends.Select(f => $"{f.Key}={ContentVersion.Of(f.Value)}"))
            + "|" + ContentVersion.Of(state.RouteStatuses);
    }
}
