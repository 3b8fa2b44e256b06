using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Status;
using static Mesh.Grains.Tests.Objects;

namespace Mesh.Grains.Tests;

public class RouteRejectionTests
{
    [Fact]
    public void A_route_that_failed_the_CRD_rules_gets_UnsupportedValue_and_routes_nothing()
    {
        var bad = Route("ns", "bad", ServiceParent("svc"), Rule(Prefix("/x"), Backend("b")));
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            InvalidRoutes = [new InvalidRoute("HTTPRoute", bad.Metadata, bad.Spec.ParentRefs, "spec.rules[0]: something is wrong")],
        });

        var accepted = state.RouteStatuses["HTTPRoute:ns/bad"].Parents.Single().Conditions.Single();
        Assert.Equal((RouteConditions.Accepted, "False", RouteConditions.Reasons.UnsupportedValue), (accepted.Type, accepted.Status, accepted.Reason));
        Assert.Contains("something is wrong", accepted.Message);
        Assert.Null(state.Frontends["ns/svc"].Ports.Single().Producer);
    }

    [Fact]
    public void A_regular_expression_the_proxy_cannot_run_rejects_its_route_only()
    {
        var backreference = new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.RegularExpression, Value = "/(a)\\1" } };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            HttpRoutes =
            [
                Route("ns", "regex", ServiceParent("svc"), Rule(backreference, Backend("b"))),
                Route("ns", "fine", ServiceParent("svc"), Rule(Prefix("/ok"), Backend("b"))),
            ],
        });

        var condition = state.RouteStatuses["HTTPRoute:ns/regex"].Parents.Single().Conditions.Single();
        Assert.Equal(RouteConditions.Reasons.UnsupportedValue, condition.Reason);
        Assert.Equal(["ns/fine"], state.Frontends["ns/svc"].Ports.Single().Producer!.Entries.Select(e => e.Route));
        Assert.Equal("True", state.RouteStatuses["HTTPRoute:ns/fine"].Parents.Single().Conditions[0].Status);
    }
}
