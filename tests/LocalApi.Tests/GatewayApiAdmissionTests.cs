using System.Net;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

/// <summary>Gateway API objects are checked on write as the CRDs would: invalid ones are refused with 422 and causes.</summary>
public sealed class GatewayApiAdmissionTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private const string Routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";

    private static JsonObject Route(string name, string pathValue, int weight = 1) => JsonNode.Parse($$$"""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"svc","port":80}],
                 "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"{{{pathValue}}}"}}],
                           "backendRefs":[{"name":"svc","port":80,"weight":{{{weight}}}}]}]}}
        """)!.AsObject();

    [Fact]
    public async Task An_invalid_route_is_refused_with_422_and_the_field_that_is_wrong()
    {
        var (status, body) = await cluster.Api.PostAsync(Routes, Route("bad-path", "no-leading-slash"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Invalid", body["reason"]!.GetValue<string>());
        var cause = body["details"]!["causes"]![0]!;
        Assert.StartsWith("spec.rules[0].matches[0].path", cause["field"]!.GetValue<string>());
        Assert.Contains("start with '/'", body["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"{Routes}/bad-path")).Status);
    }

    [Fact]
    public async Task A_bad_replacement_leaves_the_stored_route_as_it_was()
    {
        var created = await cluster.Api.CreateAsync(Routes, Route("keep-me", "/ok"));
        var replacement = Route("keep-me", "/ok", weight: 2_000_000);
        replacement["metadata"]!["resourceVersion"] = created["metadata"]!["resourceVersion"]!.GetValue<string>();

        var (status, body) = await cluster.Api.PutAsync($"{Routes}/keep-me", replacement);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("weight", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        var stored = await cluster.Api.GetOkAsync($"{Routes}/keep-me");
        Assert.Equal(1, stored["spec"]!["rules"]![0]!["backendRefs"]![0]!["weight"]!.GetValue<int>());
        Assert.Equal(created["metadata"]!["resourceVersion"]!.GetValue<string>(), stored["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}
