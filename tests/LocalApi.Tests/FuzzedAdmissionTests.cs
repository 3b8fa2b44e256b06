using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;
using Mesh.TestSupport.Fuzz;
using Xunit.Abstractions;

namespace Mesh.LocalApi.Tests;

/// <summary>
/// Routes and ReferenceGrants broken at random, from a fixed seed, written to the local API: each is stored
/// (201) or refused with a 4xx and a Kubernetes Status that says why, never a 5xx, and the API keeps
/// serving; half of those stored are then replaced or merge-patched with another broken version, under
/// the same rule. Now and then the JSON text itself is broken. MESH_FUZZ_CASES and MESH_FUZZ_SEED run more.
/// </summary>
public sealed class FuzzedAdmissionTests(TestCluster cluster, ITestOutputHelper output) : IClassFixture<TestCluster>
{
    private const string Group = "/apis/gateway.networking.k8s.io";

    private static readonly string[] Seeds =
    [
        """
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"seed","namespace":"default"},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"svc","port":80}],
          "rules":[{"name":"first",
            "matches":[{"path":{"type":"PathPrefix","value":"/api"},"headers":[{"type":"Exact","name":"x-a","value":"1"},
              {"type":"RegularExpression","name":"x-b","value":"^v[0-9]+$"}],"queryParams":[{"type":"Exact","name":"q","value":"1"}],"method":"GET"}],
            "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"x-set","value":"1"}],"add":[{"name":"x-add","value":"2"}],"remove":["x-r"]}},
              {"type":"URLRewrite","urlRewrite":{"hostname":"other","path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/v2"}}}],
            "backendRefs":[{"name":"svc-v1","port":80,"weight":90},{"name":"svc-v2","port":8080,"weight":10,
              "filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-v","value":"2"}]}}]}],
            "timeouts":{"request":"10s","backendRequest":"2s"},"retry":{"codes":[503],"attempts":2,"backoff":"100ms"}},
           {"matches":[{"path":{"type":"Exact","value":"/old"}}],
            "filters":[{"type":"RequestRedirect","requestRedirect":{"scheme":"https","hostname":"new","port":8443,"statusCode":301,
              "path":{"type":"ReplaceFullPath","replaceFullPath":"/new"}}}]},
           {"matches":[{"path":{"type":"RegularExpression","value":"/m/.*"}}],
            "filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"svc-m","port":80},"percent":50}}],
            "backendRefs":[{"name":"svc","port":80}]}]}}
        """,
        """
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"seed","namespace":"default"},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"grpc","port":50051}],
          "rules":[{"matches":[{"method":{"type":"Exact","service":"echo.Echo","method":"Say"},"headers":[{"type":"Exact","name":"x-a","value":"1"}]},
              {"method":{"type":"RegularExpression","service":"echo\\..*"}}],
            "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"add":[{"name":"x-g","value":"1"}]}}],
            "backendRefs":[{"name":"grpc-v1","port":50051,"weight":1}]}]}}
        """,
        """
        {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"seed","namespace":"default"},
         "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"other"}],"to":[{"group":"","kind":"Service","name":"svc"}]}}
        """,
    ];

    [Fact]
    public async Task Broken_objects_are_stored_or_refused_with_a_reason_and_never_fail_the_server()
    {
        var run = new FuzzTally<int>(300);
        var random = run.Random;
        foreach (var i in run.CaseNumbers())
        {
            var valid = JsonNode.Parse(Seeds[random.Next(Seeds.Length)])!.AsObject();
            var collection = Collection(valid);
            var mutated = JsonMutations.Apply(valid, random);
            if (random.Next(10) > 0 && mutated["metadata"] is JsonObject metadata)
            {
                metadata["name"] = $"fuzz-{i}"; // Mostly a new object; now and then a name the mutation chose.
            }
            var text = mutated.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var bytes = random.Next(10) == 0 ? ByteMutations.Apply(text, ["{", "}", "\"", ",", ":", "\\", "\\u0000", "[", "null"], random) : Encoding.UTF8.GetBytes(text);
            var (status, fault) = await WriteAsync(HttpMethod.Post, collection, bytes, "application/json", 201);
            if (status == 201 && random.Next(2) == 0)
            {
                // A change to what was stored: the whole object replaced, or a merge patch of its spec.
                var name = mutated["metadata"]!["name"]!.GetValue<string>();
                var change = JsonMutations.Apply(valid, random);
                change["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" };
                var replace = random.Next(2) == 0;
                bytes = Encoding.UTF8.GetBytes((replace ? change : new JsonObject { ["spec"] = change["spec"]?.DeepClone() }).ToJsonString());
                (status, fault) = await WriteAsync(replace ? HttpMethod.Put : HttpMethod.Patch, $"{collection}/{name}", bytes,
                    replace ? "application/json" : "application/merge-patch+json", 200);
            }
            run.Saw(status);
            if (fault is not null)
            {
                run.Failed(i, $"{fault} for {FuzzRun.Quote(bytes)}");
            }
            if (i % 50 == 49)
            {
                await cluster.Api.GetOkAsync($"{Group}/v1/namespaces/default/httproutes");
            }
        }
        run.Report(output);
    }

    /// <summary>The status of one write, and what is wrong with its answer (null when nothing is).</summary>
    private async Task<(int Status, string? Fault)> WriteAsync(HttpMethod method, string path, byte[] bytes, string contentType, int success)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await cluster.Api.Http.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var fault = status switch
        {
            _ when status == success => null,
            >= 400 and < 500 => RefusalFault(body),
            _ => $"{method} answered {status}",
        };
        return (status, fault is null ? null : $"{fault}: {body[..Math.Min(body.Length, 300)]}");
    }

    private static string Collection(JsonObject valid) => valid["kind"]!.GetValue<string>() switch
    {
        "HTTPRoute" => $"{Group}/v1/namespaces/default/httproutes",
        "GRPCRoute" => $"{Group}/v1/namespaces/default/grpcroutes",
        _ => $"{Group}/v1beta1/namespaces/default/referencegrants",
    };

    /// <summary>A refusal must be a Kubernetes Status with a message.</summary>
    private static string? RefusalFault(string body)
    {
        try
        {
            var status = JsonNode.Parse(body)?.AsObject();
            return status?["kind"]?.GetValue<string>() == "Status" && status["message"]?.GetValue<string>() is { Length: > 0 }
                ? null
                : "a refusal that is not a Status with a message";
        }
        catch (JsonException)
        {
            return "a refusal whose body is not JSON";
        }
    }
}
