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
    public void A_refused_route_with_a_null_parentRef_gets_status_on_its_Service_parents()
    {
        // The silo keeps a refused route's parentRefs as they were stored: a null item fails validation but is still there.
        var bad = Route("ns", "bad", ServiceParent("svc"), Rule(Prefix("/x"), Backend("b")));
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            InvalidRoutes = [new InvalidRoute("HTTPRoute", bad.Metadata, [null!, ServiceParent("svc")], "spec.parentRefs[0]: must be of type object")],
        });

        var parent = state.RouteStatuses["HTTPRoute:ns/bad"].Parents.Single();
        Assert.Equal("svc", parent.ParentRef.Name);
        Assert.Equal(RouteConditions.Reasons.UnsupportedValue, parent.Conditions.Single().Reason);
    }

    [Fact]
    public void A_refused_routes_status_names_only_the_parentRefs_the_API_server_would_take()
    {
        // A status naming a broken parentRef would be refused whole by the API server, leaving the route without any.
        var bad = Route("ns", "bad", ServiceParent("svc"), Rule(Prefix("/x"), Backend("b")));
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            InvalidRoutes = [new InvalidRoute("HTTPRoute", bad.Metadata,
                [ServiceParent(""), ServiceParent("svc"), ServiceParent(new string('a', 254)), ServiceParent("svc", port: 70_000)],
                "spec.parentRefs[0].name: Required value")],
        });

        var parent = Assert.Single(state.RouteStatuses["HTTPRoute:ns/bad"].Parents);
        Assert.Equal(("svc", null), (parent.ParentRef.Name, parent.ParentRef.Port));
    }

    [Fact]
    public void A_refused_route_with_no_parentRef_the_API_server_would_take_gets_no_status()
    {
        var bad = Route("ns", "bad", ServiceParent("svc"), Rule(Prefix("/x"), Backend("b")));
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            InvalidRoutes = [new InvalidRoute("HTTPRoute", bad.Metadata, [ServiceParent("", port: 0)], "spec.parentRefs[0].name: Required value")],
        });

        Assert.False(state.RouteStatuses.ContainsKey("HTTPRoute:ns/bad"));
    }

    [Fact]
    public void A_stored_route_with_a_field_of_the_wrong_type_is_refused_with_status_not_skipped()
    {
        // CRDs too loose to check types let this through; it does not read as an HTTPRoute, but its parents do.
        var stored = System.Text.Json.Nodes.JsonNode.Parse("""
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "bad", "namespace": "ns", "generation": 2},
             "spec": {"parentRefs": [{"group": "", "kind": "Service", "name": "svc"}, {"kind": "Service", "name": 7}],
                      "rules": [{"backendRefs": "b"}]}}
            """)!.AsObject();

        var read = StoredRoute.Read<HttpRoute>("HTTPRoute", stored, r => r.Metadata, r => r.Spec.ParentRefs);

        var invalid = Assert.IsType<InvalidRoute>(read.Invalid);
        Assert.Null(read.Unreadable);
        Assert.Equal("svc", Assert.Single(invalid.ParentRefs!).Name);
        var state = MeshTranslator.Translate(new MeshSnapshot { Services = [Service("ns", "svc")], InvalidRoutes = [invalid] });
        var accepted = Assert.Single(state.RouteStatuses["HTTPRoute:ns/bad"].Parents).Conditions.Single();
        Assert.Equal(("False", RouteConditions.Reasons.UnsupportedValue, 2L), (accepted.Status, accepted.Reason, accepted.ObservedGeneration));
        Assert.Contains("spec.rules[0].backendRefs", accepted.Message);
    }

    [Fact]
    public void A_stored_route_whose_metadata_does_not_read_stays_unreadable()
    {
        var stored = System.Text.Json.Nodes.JsonNode.Parse("""
            {"metadata": {"name": ["bad"]}, "spec": {"parentRefs": [{"group": "", "kind": "Service", "name": "svc"}]}}
            """)!.AsObject();

        var read = StoredRoute.Read<HttpRoute>("HTTPRoute", stored, r => r.Metadata, r => r.Spec.ParentRefs);

        Assert.NotNull(read.Unreadable);
        Assert.Null(read.Invalid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\U0001F600")] // a character of two UTF-16 units, across the cut
    public void A_refusal_quoting_a_huge_value_fits_the_condition_message_limit(string tail)
    {
        var bad = Route("ns", "bad", ServiceParent("svc"), Rule(Prefix("/x"), Backend("b")));
        // 51 characters of prefix and 32713 slashes: the tail starts at the last index kept before the "...".
        var message = "spec.rules[0].filters[0].type: Unsupported value: \"" + new string('/', 32_713) + tail + new string('/', 8_000) + "\"";
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            InvalidRoutes = [new InvalidRoute("HTTPRoute", bad.Metadata, bad.Spec.ParentRefs, message)],
        });

        var shown = state.RouteStatuses["HTTPRoute:ns/bad"].Parents.Single().Conditions.Single().Message;
        Assert.InRange(shown.Length, 32_000, ConditionMessage.MaxLength);
        Assert.StartsWith("spec.rules[0].filters[0].type: Unsupported value:", shown);
        Assert.False(char.IsHighSurrogate(shown[^4]), "half a character before the cut");
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

    [Theory]
    [InlineData("a\r\nX-Evil: 1", "spec.rules[0].filters[0].requestHeaderModifier.set[0].value", "U+000D")]
    [InlineData("nul\0", "spec.rules[0].filters[0].requestHeaderModifier.set[0].value", "U+0000")]
    [InlineData("caf\u00e9", "spec.rules[0].filters[0].requestHeaderModifier.set[0].value", "U+00E9")]
    public void A_header_value_HTTP_cannot_carry_rejects_its_route_only(string value, string field, string character)
    {
        var modifier = new HttpRouteFilter
        {
            Type = "RequestHeaderModifier",
            RequestHeaderModifier = new HttpHeaderFilter { Set = [new HttpHeader { Name = "X-Value", Value = value }] },
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            HttpRoutes =
            [
                Route("ns", "broken", ServiceParent("svc"), Rule(Prefix("/broken"), Backend("b")) with { Filters = [modifier] }),
                Route("ns", "fine", ServiceParent("svc"), Rule(Prefix("/ok"), Backend("b"))),
            ],
        });

        var condition = state.RouteStatuses["HTTPRoute:ns/broken"].Parents.Single().Conditions.Single();
        Assert.Equal((RouteConditions.Accepted, "False", RouteConditions.Reasons.UnsupportedValue), (condition.Type, condition.Status, condition.Reason));
        Assert.Contains(field, condition.Message);
        Assert.Contains(character, condition.Message);
        Assert.Equal(["ns/fine"], state.Frontends["ns/svc"].Ports.Single().Producer!.Entries.Select(e => e.Route));
    }

    [Fact]
    public void A_backend_filter_is_checked_too_and_tabs_and_spaces_pass()
    {
        HttpRouteFilter Response(string value) => new()
        {
            Type = "ResponseHeaderModifier",
            ResponseHeaderModifier = new HttpHeaderFilter { Add = [new HttpHeader { Name = "X-Value", Value = value }] },
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            HttpRoutes =
            [
                Route("ns", "backend", ServiceParent("svc"), Rule(Prefix("/a"), Backend("b") with { Filters = [Response("line\nbreak")] })),
                Route("ns", "tabs", ServiceParent("svc"), Rule(Prefix("/b"), Backend("b") with { Filters = [Response("a\tb c")] })),
            ],
        });

        var refused = state.RouteStatuses["HTTPRoute:ns/backend"].Parents.Single().Conditions.Single();
        Assert.Equal(RouteConditions.Reasons.UnsupportedValue, refused.Reason);
        Assert.Contains("spec.rules[0].backendRefs[0].filters[0].responseHeaderModifier.add[0].value", refused.Message);
        Assert.Equal("True", state.RouteStatuses["HTTPRoute:ns/tabs"].Parents.Single().Conditions[0].Status);
    }

    [Theory]
    [InlineData("ReplaceFullPath", "/a b", false)]
    [InlineData("ReplaceFullPath", "relative", false)]
    [InlineData("ReplaceFullPath", "/q?x=1", false)]
    [InlineData("ReplaceFullPath", "/line\n", false)]
    [InlineData("ReplacePrefixMatch", "/caf\u00e9", false)]
    [InlineData("ReplaceFullPath", "/ok/%20encoded;v=1", true)]
    [InlineData("ReplacePrefixMatch", "", true)]
    [InlineData("ReplaceFullPath", "", true)]
    public void A_rewrite_or_redirect_path_must_be_an_absolute_path_of_URI_characters(string type, string value, bool accepted)
    {
        var path = new HttpPathModifier
        {
            Type = type,
            ReplaceFullPath = type == "ReplaceFullPath" ? value : null,
            ReplacePrefixMatch = type == "ReplacePrefixMatch" ? value : null,
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b")],
            HttpRoutes =
            [
                Route("ns", "rewrite", ServiceParent("svc"), Rule(Prefix("/r"), Backend("b")) with
                {
                    Filters = [new HttpRouteFilter { Type = "URLRewrite", UrlRewrite = new HttpUrlRewriteFilter { Path = path } }],
                }),
                Route("ns", "redirect", ServiceParent("svc"), Rule(Prefix("/d")) with
                {
                    Filters = [new HttpRouteFilter { Type = "RequestRedirect", RequestRedirect = new HttpRequestRedirectFilter { Path = path } }],
                }),
            ],
        });

        foreach (var (route, field) in new[] { ("rewrite", "urlRewrite.path"), ("redirect", "requestRedirect.path") })
        {
            var condition = state.RouteStatuses[$"HTTPRoute:ns/{route}"].Parents.Single().Conditions[0];
            Assert.Equal(accepted ? "True" : "False", condition.Status);
            if (!accepted)
            {
                Assert.Equal(RouteConditions.Reasons.UnsupportedValue, condition.Reason);
                Assert.Contains($"spec.rules[0].filters[0].{field}", condition.Message);
            }
        }
    }

    [Fact]
    public void A_prefix_replacement_on_backendRefs_of_a_rule_without_a_PathPrefix_match_rejects_its_route()
    {
        // Two backendRefs each replacing the prefix pass the CRD's exists_one; the spec still refuses the route.
        HttpBackendRef Replacing(string name) => Backend(name) with
        {
            Filters =
            [
                new HttpRouteFilter
                {
                    Type = "URLRewrite",
                    UrlRewrite = new HttpUrlRewriteFilter { Path = new HttpPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = "/bar" } },
                },
            ],
        };
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = [Service("ns", "svc"), Service("ns", "b"), Service("ns", "c")],
            HttpRoutes =
            [
                Route("ns", "exact", ServiceParent("svc"), Rule(Exact("/foo"), Replacing("b"), Replacing("c"))),
                Route("ns", "prefixes", ServiceParent("svc"), Rule(Prefix("/p"), Replacing("b"), Replacing("c"))),
            ],
        });

        var refused = state.RouteStatuses["HTTPRoute:ns/exact"].Parents.Single().Conditions.Single();
        Assert.Equal((RouteConditions.Accepted, "False", RouteConditions.Reasons.UnsupportedValue), (refused.Type, refused.Status, refused.Reason));
        Assert.Contains("spec.rules[0].matches[0]", refused.Message);
        Assert.Equal("True", state.RouteStatuses["HTTPRoute:ns/prefixes"].Parents.Single().Conditions[0].Status);
        Assert.Equal(["ns/prefixes"], state.Frontends["ns/svc"].Ports.Single().Producer!.Entries.Select(e => e.Route));
    }
}
