using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using static Mesh.Grains.Tests.Objects;

namespace Mesh.Grains.Tests;

public class GrpcRouteTests
{
    private static GrpcRouteMatch Method(string? service, string? method, string type = "Exact", int headers = 0) => new()
    {
        Method = new GrpcMethodMatch { Type = type, Service = service, Method = method },
        Headers = headers == 0 ? null : Enumerable.Range(0, headers).Select(i => new HttpHeaderMatch { Name = $"h{i}", Value = "v" }).ToList(),
    };

    [Theory]
    [InlineData("pkg.Echo", "Say", "Exact", "Exact", "/pkg.Echo/Say")]
    [InlineData("pkg.Echo", null, "Exact", "PathPrefix", "/pkg.Echo")]
    [InlineData(null, "Say", "Exact", "RegularExpression", "/(?:[^/]+)/(?:Say)")]
    [InlineData("pkg\\..*", "S.*", "RegularExpression", "RegularExpression", "/(?:pkg\\..*)/(?:S.*)")]
    [InlineData(null, null, "Exact", "PathPrefix", "/")]
    [InlineData("", "Say", "RegularExpression", "RegularExpression", "/(?:[^/]+)/(?:Say)")]
    [InlineData("pkg\\..*", "", "RegularExpression", "RegularExpression", "/(?:pkg\\..*)/(?:[^/]+)")]
    [InlineData("", "", "RegularExpression", "PathPrefix", "/")]
    public void A_gRPC_method_match_becomes_a_match_on_the_gRPC_path(string? service, string? method, string type, string pathType, string path)
    {
        var http = GrpcMatches.ToHttp(Method(service, method, type));
        Assert.Equal((pathType, path), (http.Path!.Type, http.Path.Value));
    }

    [Fact]
    public void Service_characters_outrank_method_characters_which_outrank_headers()
    {
        var meta = new ObjectMeta { Namespace = "ns", Name = "r" };
        GrpcMatchCandidate Candidate(GrpcRouteMatch match) => new(meta, 0, 0, match);

        Assert.True(GrpcPrecedence.Instance.Compare(Candidate(Method("a.LongService", null)), Candidate(Method("a.S", "LongMethodName"))) < 0);
        Assert.True(GrpcPrecedence.Instance.Compare(Candidate(Method("a.S", "Longer")), Candidate(Method("a.S", "M", headers: 3))) < 0);
        Assert.True(GrpcPrecedence.Instance.Compare(Candidate(Method("a.S", "M", headers: 2)), Candidate(Method("a.S", "M", headers: 1))) < 0);
    }

    [Fact]
    public void GRPCRoutes_merge_into_their_own_list_of_the_group()
    {
        var grpc = new GrpcRoute
        {
            Metadata = new ObjectMeta { Namespace = "ns", Name = "g", Generation = 1 },
            Spec = new GrpcRouteSpec
            {
                ParentRefs = [ServiceParent("svc", port: 7070)],
                Rules =
                [
                    new GrpcRouteRule { Matches = [Method("pkg.Echo", null)], BackendRefs = [Backend("b", 7070)] },
                    new GrpcRouteRule { Matches = [Method("pkg.Echo", "Say")], BackendRefs = [Backend("b", 7070)] },
                ],
            },
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc", ("grpc", 7070)), Service("ns", "b", ("grpc", 7070))],
            HttpRoutes = [Route("ns", "h", ServiceParent("svc"), Rule(null, Backend("b", 7070)))],
            GrpcRoutes = [grpc],
        });

        var group = state.Frontends["ns/svc"].Ports.Single().Producer!;
        Assert.Equal([RouteKinds.Http], group.Entries.Select(e => e.Kind));
        Assert.Equal(["/pkg.Echo/Say", "/pkg.Echo"], group.GrpcEntries.Select(e => e.Match.Path!.Value));
        Assert.Equal("True", state.RouteStatuses["GRPCRoute:ns/g"].Parents.Single().Conditions[0].Status);
    }

    [Fact]
    public void A_header_name_repeated_in_another_case_counts_once_for_gRPC_precedence()
    {
        GrpcRouteMatch WithHeaders(params string[] names) => Method("pkg.Echo", "Say") with
        {
            Headers = names.Select(n => new HttpHeaderMatch { Name = n, Value = "v" }).ToList(),
        };
        var grpc = new GrpcRoute
        {
            Metadata = new ObjectMeta { Namespace = "ns", Name = "g", Generation = 1 },
            Spec = new GrpcRouteSpec
            {
                ParentRefs = [ServiceParent("svc", port: 7070)],
                Rules =
                [
                    new GrpcRouteRule { Matches = [WithHeaders("y")], BackendRefs = [Backend("b", 7070)] },
                    new GrpcRouteRule { Matches = [WithHeaders("x", "X")], BackendRefs = [Backend("b", 7070)] },
                ],
            },
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc", ("grpc", 7070)), Service("ns", "b", ("grpc", 7070))],
            GrpcRoutes = [grpc],
        });

        // One header each, so rule order decides; and the repeated name is matched once, as first written.
        var group = state.Frontends["ns/svc"].Ports.Single().Producer!;
        Assert.Equal(["y", "x"], group.GrpcEntries.Select(e => string.Join(",", e.Match.Headers!.Select(h => h.Name))));
    }

    [Theory]
    [InlineData("a)|(b", "Say")]
    [InlineData("pkg\\..*", ".*)|(.*")]
    public void A_method_regex_part_that_compiles_only_inside_the_gRPC_path_pattern_is_refused(string service, string method)
    {
        // "/(?:a)|(b)/(?:Say)" compiles, but as "/a" or "b)/Say": the part alone is what the route wrote.
        var grpc = new GrpcRoute
        {
            Metadata = new ObjectMeta { Namespace = "ns", Name = "g", Generation = 1 },
            Spec = new GrpcRouteSpec
            {
                ParentRefs = [ServiceParent("svc")],
                Rules = [new GrpcRouteRule { Matches = [Method(service, method, "RegularExpression")], BackendRefs = [Backend("b", 80)] }],
            },
        };
        var state = MeshTranslator.Translate(new MeshSnapshot { Services = [Service("ns", "svc"), Service("ns", "b")], GrpcRoutes = [grpc] });

        var condition = state.RouteStatuses["GRPCRoute:ns/g"].Parents.Single().Conditions.Single();
        Assert.Equal(("False", Status.RouteConditions.Reasons.UnsupportedValue), (condition.Status, condition.Reason));
        Assert.Contains("spec.rules[0].matches[0]", condition.Message);
        Assert.Null(state.Frontends["ns/svc"].Ports.Single().Producer);
    }
}
