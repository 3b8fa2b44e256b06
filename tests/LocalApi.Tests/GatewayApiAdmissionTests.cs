using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
    public async Task A_stored_route_has_the_CRD_defaults_filled_in_as_a_cluster_stores_it()
    {
        var ns = await cluster.NewNamespaceAsync();
        var route = JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"defaults","namespace":"NS"},
             "spec":{"parentRefs":[{"name":"gw"},{"group":"","kind":"Service","name":"svc"}],
                     "rules":[{"matches":[{"headers":[{"name":"x","value":"1"}]}],
                               "filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"shadow","port":80}}}],
                               "backendRefs":[{"name":"svc","port":80}]},
                              {"filters":[{"type":"RequestRedirect","requestRedirect":{"hostname":"elsewhere.example"}}]}]}}
            """.Replace("NS", ns, StringComparison.Ordinal))!;

        var stored = await cluster.Api.CreateAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", route);

        var spec = stored["spec"]!;
        Assert.Equal("""{"name":"gw","group":"gateway.networking.k8s.io","kind":"Gateway"}""", spec["parentRefs"]![0]!.ToJsonString());
        Assert.Equal("""{"group":"","kind":"Service","name":"svc"}""", spec["parentRefs"]![1]!.ToJsonString());
        var first = spec["rules"]![0]!;
        Assert.Equal("""{"headers":[{"name":"x","value":"1","type":"Exact"}],"path":{"type":"PathPrefix","value":"/"}}""", first["matches"]![0]!.ToJsonString());
        Assert.Equal("""{"name":"shadow","port":80,"group":"","kind":"Service"}""", first["filters"]![0]!["requestMirror"]!["backendRef"]!.ToJsonString());
        Assert.Equal("""{"name":"svc","port":80,"group":"","kind":"Service","weight":1}""", first["backendRefs"]![0]!.ToJsonString());
        var second = spec["rules"]![1]!;
        Assert.Equal("""[{"path":{"type":"PathPrefix","value":"/"}}]""", second["matches"]!.ToJsonString());
        Assert.Equal(302, (int)second["filters"]![0]!["requestRedirect"]!["statusCode"]!);

        var bare = JsonNode.Parse($$$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"bare","namespace":"{{{ns}}}"},"spec":{}}
            """)!;
        var storedBare = await cluster.Api.CreateAsync($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", bare);
        Assert.Equal("""[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}]}]""", storedBare["spec"]!["rules"]!.ToJsonString());
    }

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
    public async Task A_body_that_is_not_UTF_8_is_a_400_not_a_server_error()
    {
        // System.Text.Json checks a string's bytes only when the string is read: the admission checks then
        // threw InvalidOperationException, a 500.
        var json = Encoding.UTF8.GetBytes(Route("latin-1", "/caf\u00e9").ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var latin1 = json.Where(b => b != 0xc3).Select(b => b == 0xa9 ? (byte)0xe9 : b).ToArray(); // "é" as one Latin-1 byte.
        using var content = new ByteArrayContent(latin1);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await cluster.Api.Http.PostAsync(Routes, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_field_given_twice_is_a_400_not_a_server_error()
    {
        var json = Route("twice", "/x").ToJsonString().Replace("\"namespace\":\"default\"", "\"namespace\":\"default\",\"namespace\":\"other\"", StringComparison.Ordinal);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await cluster.Api.Http.PostAsync(Routes, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("namespace", await response.Content.ReadAsStringAsync());
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
