using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The HTTPRoute CORS filter through real sockets, after the upstream HTTPRouteCORS conformance test:
/// preflights are answered by the proxy and never reach the backend; other requests are forwarded and
/// get CORS headers only for an allowed Origin.
/// </summary>
public sealed class CorsTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private const string Ns = "cors";

    private sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    private static async Task<Answer> SendAsync(PodClient client, string method, string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request);
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer((int)response.StatusCode, all, await response.Content.ReadAsStringAsync());
    }

    private static Task<Answer> PreflightAsync(PodClient client, string url, string origin, string method, string? requestHeaders = null) =>
        requestHeaders is null
            ? SendAsync(client, "OPTIONS", url, ("Origin", origin), ("Access-Control-Request-Method", method))
            : SendAsync(client, "OPTIONS", url, ("Origin", origin), ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", requestHeaders));

    [Fact]
    public async Task Preflights_are_answered_by_the_proxy_and_actual_requests_carry_the_headers()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await mesh.Api.ApplyNamespaceAsync(Ns);
        await backend.RegisterAsync(mesh.Api, Ns, "api");
        await mesh.Api.ApplyRouteAsync(Ns, "api", "api", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/cors-1"}}],
              "filters":[{"type":"CORS","cors":{
                "allowOrigins":["https://www.foo.com","https://*.bar.com"],
                "allowMethods":["GET","OPTIONS"],
                "allowHeaders":["x-header-1","x-header-2"],
                "exposeHeaders":["x-header-3","x-header-4"],
                "allowCredentials":true,"maxAge":3600}}],
              "backendRefs":[{"name":"api","port":80}]}]
            """);
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        // Until the route is in force the preflight passes through to the backend: wait for the proxy's answer.
        await Eventually.HoldsAsync(() => PreflightAsync(client, "http://api.cors/cors-1", "https://www.foo.com", "GET"),
            a => a.Header("Access-Control-Allow-Origin") is not null, "the CORS route is in force");
        backend.Requests.Clear();

        var allowed = await PreflightAsync(client, "http://api.cors/cors-1", "https://xpto.www.bar.com", "GET", "x-header-1, x-header-2");
        Assert.Equal(200, allowed.Status);
        Assert.Equal("https://xpto.www.bar.com", allowed.Header("Access-Control-Allow-Origin"));
        Assert.Equal("GET, OPTIONS", allowed.Header("Access-Control-Allow-Methods"));
        Assert.Equal("x-header-1, x-header-2", allowed.Header("Access-Control-Allow-Headers"));
        Assert.Equal("x-header-3, x-header-4", allowed.Header("Access-Control-Expose-Headers"));
        Assert.Equal("3600", allowed.Header("Access-Control-Max-Age"));
        Assert.Equal("true", allowed.Header("Access-Control-Allow-Credentials"));

        var refused = await PreflightAsync(client, "http://api.cors/cors-1", "https://foobar.com", "GET");
        Assert.Equal(200, refused.Status);
        Assert.DoesNotContain(refused.Headers.Keys, name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(backend.Requests); // Neither preflight reached the backend.

        var simple = await SendAsync(client, "GET", "http://api.cors/cors-1/items", ("Origin", "https://www.foo.com"));
        Assert.Equal("recorded", simple.Body);
        Assert.Equal("https://www.foo.com", simple.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", simple.Header("Access-Control-Allow-Credentials"));
        Assert.Equal("x-header-3, x-header-4", simple.Header("Access-Control-Expose-Headers"));
        Assert.Contains("Origin", simple.Header("Vary"));
        Assert.Null(simple.Header("Access-Control-Max-Age"));

        var foreign = await SendAsync(client, "GET", "http://api.cors/cors-1/items", ("Origin", "https://foobar.com"));
        Assert.Equal("recorded", foreign.Body);
        Assert.Null(foreign.Header("Access-Control-Allow-Origin"));

        // OPTIONS without Access-Control-Request-Method is an ordinary request, for the backend to answer.
        var plainOptions = await SendAsync(client, "OPTIONS", "http://api.cors/cors-1/items", ("Origin", "https://www.foo.com"));
        Assert.Equal("recorded", plainOptions.Body);
        Assert.Equal(["GET", "GET", "OPTIONS"], backend.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Wildcards_answer_star_without_credentials_and_echo_with_them()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await mesh.Api.ApplyNamespaceAsync(Ns);
        await backend.RegisterAsync(mesh.Api, Ns, "open");
        await mesh.Api.ApplyRouteAsync(Ns, "open", "open", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/public"}}],
              "filters":[{"type":"CORS","cors":{"allowOrigins":["*"],"allowMethods":["*"],"allowHeaders":["*"]}}],
              "backendRefs":[{"name":"open","port":80}]},
             {"matches":[{"path":{"type":"PathPrefix","value":"/private"}}],
              "backendRefs":[{"name":"open","port":80,
                "filters":[{"type":"CORS","cors":{"allowOrigins":["*"],"allowMethods":["*"],"allowHeaders":["*"],"allowCredentials":true}}]}]}]
            """);
        using var client = await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        await Eventually.HoldsAsync(() => PreflightAsync(client, "http://open.cors/private", "https://other.foo.com", "PUT"),
            a => a.Header("Access-Control-Allow-Origin") is not null, "the CORS route is in force");

        var open = await PreflightAsync(client, "http://open.cors/public", "https://foobar.com:12345", "PUT", "x-header-1");
        Assert.Equal("*", open.Header("Access-Control-Allow-Origin"));
        Assert.Equal("*", open.Header("Access-Control-Allow-Methods"));
        Assert.Equal("*", open.Header("Access-Control-Allow-Headers"));
        Assert.Null(open.Header("Access-Control-Allow-Credentials"));
        Assert.Equal("5", open.Header("Access-Control-Max-Age")); // The CRD's default.

        // The backendRef's own CORS filter: credentials, so nothing may be '*'.
        var credentialed = await PreflightAsync(client, "http://open.cors/private", "https://other.foo.com", "PUT", "x-header-1, x-header-2");
        Assert.Equal("https://other.foo.com", credentialed.Header("Access-Control-Allow-Origin"));
        Assert.Equal("PUT", credentialed.Header("Access-Control-Allow-Methods"));
        Assert.Equal("x-header-1, x-header-2", credentialed.Header("Access-Control-Allow-Headers"));
        Assert.Equal("true", credentialed.Header("Access-Control-Allow-Credentials"));

        var actual = await SendAsync(client, "GET", "http://open.cors/private", ("Origin", "https://other.foo.com"), ("Authorization", "Bearer test"));
        Assert.Equal("https://other.foo.com", actual.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", actual.Header("Access-Control-Allow-Credentials"));
        Assert.Equal("Bearer test", backend.Requests.Last().Headers["Authorization"]);
    }
}
