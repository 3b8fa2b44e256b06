using System.Text.Json.Nodes;
using Mesh.Grains.Model;

namespace Mesh.Grains.Tests;

public class ModelTests
{
    [Fact]
    public void Experimental_fields_are_read_into_the_typed_model()
    {
        var route = KubernetesJson.Read<HttpRoute>(JsonNode.Parse("""
            {"metadata":{"name":"r","namespace":"ns","creationTimestamp":"2026-01-02T03:04:05Z"},
             "spec":{"rules":[{"name":"named",
               "sessionPersistence":{"sessionName":"s","type":"Cookie","absoluteTimeout":"1h","cookieConfig":{"lifetimeType":"Permanent"}},
               "retry":{"codes":[503],"attempts":2,"backoff":"100ms"},
               "timeouts":{"request":"10s","backendRequest":"2s"},
               "filters":[{"type":"CORS","cors":{"allowOrigins":["https://a.example"],"allowCredentials":true,"maxAge":60}},
                          {"type":"ExternalAuth","externalAuth":{"protocol":"HTTP","backendRef":{"name":"auth","port":80},"http":{"path":"/check"}}}]}]}}
            """)!);

        var rule = route.Spec.Rules!.Single();
        Assert.Equal("named", rule.Name);
        Assert.Equal("Permanent", rule.SessionPersistence!.CookieConfig!.LifetimeType);
        Assert.Equal([503], rule.Retry!.Codes!);
        Assert.Equal("2s", rule.Timeouts!.BackendRequest);
        Assert.Equal(["https://a.example"], rule.Filters![0].Cors!.AllowOrigins!);
        Assert.Equal("/check", rule.Filters[1].ExternalAuth!.Http!.Path);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), route.Metadata.CreationTimestamp);
    }

    [Fact]
    public void A_null_route_spec_reads_as_an_empty_one()
    {
        // The silo reads a refused route's parentRefs from its spec; a stored "spec": null must not make that throw.
        var http = KubernetesJson.Read<HttpRoute>(JsonNode.Parse("""{"metadata":{"name":"r"},"spec":null}""")!);
        var grpc = KubernetesJson.Read<GrpcRoute>(JsonNode.Parse("""{"metadata":{"name":"r"},"spec":null}""")!);

        Assert.Null(http.Spec.ParentRefs);
        Assert.Null(grpc.Spec.ParentRefs);
    }
}
