using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Route filters, timeouts, retries, mirrors and failure answers through real sockets. Each test owns
/// its Services and routes (namespace "behaviour"), so tests do not disturb each other.
/// </summary>
public sealed class RouteBehaviourTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private const string Ns = "behaviour";

    private async Task<PodClient> ClientAsync() => await mesh.ClientInDeploymentAsync("slow-clients", "slow-client");

    private Task EnsureNamespaceAsync() => mesh.Api.ApplyNamespaceAsync(Ns);

    private async Task ApplyRouteAsync(string json)
    {
        await mesh.Api.ApplyAsync(JsonNode.Parse(json)!.AsObject());
    }

    private static string Route(string name, string parent, string rules) => $$$"""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute",
         "metadata":{"name":"{{{name}}}","namespace":"{{{Ns}}}"},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"{{{parent}}}","port":80}],"rules":{{{rules}}}}}
        """;

    /// <summary>A Service in the test namespace whose endpoints are the faces echo pods.</summary>
    private async Task EchoServiceAsync(string name, string version = "v1")
    {
        var pods = await mesh.Api.GetAsync("api/v1/namespaces/faces/pods");
        var addresses = pods!["items"]!.AsArray()
            .Where(p => p!["metadata"]!["name"]!.GetValue<string>().StartsWith($"smiley-{version}-", StringComparison.Ordinal))
            .Select(p => (p!["status"]!["podIP"]!.GetValue<string>(), 8080));
        await EnsureNamespaceAsync();
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, name, addresses);
    }

    /// <summary>Services <paramref name="name"/> and <paramref name="name"/>-backend on the echo pods, and an HTTPRoute of that name on the first.</summary>
    private async Task EchoRouteAsync(string name, string rules)
    {
        await EchoServiceAsync($"{name}-backend");
        await EchoServiceAsync(name);
        await ApplyRouteAsync(Route(name, name, rules));
    }

    [Fact]
    public async Task Request_and_response_header_modifiers_apply_at_rule_and_backend_level()
    {
        await EchoRouteAsync("headers", """
            [{"filters":[
                {"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-Set","value":"rule"}],"add":[{"name":"X-Add","value":"added"}],"remove":["X-Remove"]}},
                {"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"X-Response","value":"rule"}]}}],
              "backendRefs":[{"name":"headers-backend","port":80,
                "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"X-Backend","value":"yes"}]}}]}]}]
            """);
        using var client = await ClientAsync();

        var response = await Eventually.HoldsAsync(
            () => client.EchoAsync("http://headers.behaviour/", ("X-Add", "original"), ("x-remove", "gone"), ("X-Set", "client")),
            r => r.RequestHeader("x-backend") == "yes", "the route applies");

        Assert.Equal("rule", response.RequestHeader("x-set"));
        Assert.Equal("original,added", string.Join(",", response.Echo!["headers"]!["x-add"]!.AsArray().Select(v => v!.GetValue<string>())));
        Assert.Null(response.RequestHeader("x-remove"));
        Assert.Equal("rule", response.Headers["X-Response"]);
    }

    [Fact]
    public async Task A_body_cut_short_on_a_route_that_retries_is_a_400()
    {
        await EchoRouteAsync("cut-short", """[{"retry":{"codes":[503],"attempts":2},"backendRefs":[{"name":"cut-short-backend","port":80}]}]""");
        using var client = await ClientAsync();
        await Eventually.HoldsAsync(() => client.EchoAsync("http://cut-short.behaviour/"), r => r.Status == 200, "the route applies");

        // A retried route reads the body first, to send it again; a body that ends before its length was
        // an exception no one caught.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "POST / HTTP/1.1\r\nHost: cut-short.behaviour\r\nContent-Length: 10\r\n\r\n012", endSending: true));

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("a body that could not be read", answer);
    }

    [Fact]
    public async Task Header_modifiers_leave_the_framing_of_either_message_to_the_proxy()
    {
        await EchoRouteAsync("framing", """
            [{"filters":[
                {"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"Content-Length","value":"2"},{"name":"X-Set","value":"kept"}]}},
                {"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"Content-Length","value":"1"}],
                  "add":[{"name":"Transfer-Encoding","value":"gzip"},{"name":"X-Response","value":"kept"}]}}],
              "backendRefs":[{"name":"framing-backend","port":80}]}]
            """);
        using var client = await ClientAsync();

        var response = await Eventually.HoldsAsync(
            () => client.SendAsync(new MeshRequest { Host = "framing.behaviour", Method = "POST", Body = "0123456789" }),
            r => r.RequestHeader("x-set") == "kept", "the route applies");

        Assert.Equal(200, response.Status);
        Assert.Equal("10", response.RequestHeader("content-length")); // The body's own length, all of it sent.
        Assert.Equal("kept", response.Headers["X-Response"]);
        Assert.NotNull(response.Echo); // The whole JSON, framed by its real length.
        Assert.False(response.Headers.ContainsKey("Transfer-Encoding"));
    }

    [Fact]
    public async Task Headers_the_client_marks_as_per_hop_stop_at_the_proxy()
    {
        await EchoRouteAsync("hop", """[{"backendRefs":[{"name":"hop-backend","port":80}]}]""");
        using var client = await ClientAsync();

        var response = await Eventually.HoldsAsync(
            () => client.EchoAsync("http://hop.behaviour/", ("Connection", "X-Hop-Secret"), ("X-Hop-Secret", "for the proxy"), ("X-Kept", "for the backend")),
            r => r.Status == 200 && r.RequestHeader("x-kept") is not null, "the route applies");

        Assert.Equal("for the backend", response.RequestHeader("x-kept"));
        Assert.Null(response.RequestHeader("x-hop-secret"));
        Assert.Null(response.RequestHeader("connection"));
    }

    [Fact]
    public async Task Redirects_answer_from_the_proxy_with_the_spec_location()
    {
        await EchoServiceAsync("redirect");
        await ApplyRouteAsync(Route("redirect", "redirect", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/old"}}],
              "filters":[{"type":"RequestRedirect","requestRedirect":{"hostname":"example.org","statusCode":301,
                "path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/new"}}}]},
             {"matches":[{"path":{"type":"PathPrefix","value":"/secure"}}],
              "filters":[{"type":"RequestRedirect","requestRedirect":{"scheme":"https"}}]}]
            """));
        using var client = await ClientAsync();

        var moved = await Eventually.HoldsAsync(() => client.EchoAsync("http://redirect.behaviour/old/page?x=1"), r => r.Status == 301, "the redirect applies");
        Assert.Equal("http://example.org/new/page?x=1", moved.Headers["Location"]);
        var secure = await client.EchoAsync("http://redirect.behaviour/secure/a");
        Assert.Equal(302, secure.Status);
        Assert.Equal("https://redirect.behaviour/secure/a", secure.Headers["Location"]);
    }

    [Fact]
    public async Task URL_rewrites_change_what_the_backend_sees()
    {
        await EchoServiceAsync("rewrite");
        await ApplyRouteAsync(Route("rewrite", "rewrite", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/strip"}}],
              "filters":[{"type":"URLRewrite","urlRewrite":{"hostname":"rewritten.example","path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/"}}}],
              "backendRefs":[{"name":"rewrite","port":80}]}]
            """));
        using var client = await ClientAsync();

        var response = await Eventually.HoldsAsync(() => client.EchoAsync("http://rewrite.behaviour/strip/three?q=1"),
            r => r.Echo?["path"]?.GetValue<string>() == "/three?q=1", "the rewrite applies");
        Assert.Equal("rewritten.example", response.Echo!["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_prefix_rewrite_replaces_the_matched_segments_of_a_path_sent_encoded_or_with_dot_segments()
    {
        await EchoServiceAsync("encoded");
        await ApplyRouteAsync(Route("encoded", "encoded", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/strip"}}],
              "filters":[{"type":"URLRewrite","urlRewrite":{"path":{"type":"ReplacePrefixMatch","replacePrefixMatch":"/kept"}}}],
              "backendRefs":[{"name":"encoded","port":80}]},
             {"matches":[{"path":{"type":"PathPrefix","value":"/plain"}}],"backendRefs":[{"name":"encoded","port":80}]}]
            """));
        using var client = await ClientAsync();
        await Eventually.HoldsAsync(() => client.EchoAsync("http://encoded.behaviour/strip/x"),
            r => r.Echo?["path"]?.GetValue<string>() == "/kept/x", "the rewrite applies");

        // The route matches the decoded path; the prefix it matched is what goes, however the client wrote it.
        // Without a rewrite, the backend gets the path the rule matched, without dot segments, its encoding kept.
        foreach (var (target, expected) in new[]
                 {
                     ("/%73trip/a%20b?q=1", "/kept/a%20b?q=1"), ("/other/../strip/c", "/kept/c"), ("/strip/%2E%2E/strip/d", "/kept/d"),
                     ("/strip/../plain/%2e/e%20f?g", "/plain/e%20f?g"),
                 })
        {
            var answer = await RawHttp.ResponsesAsync(mesh.GatewayUri, $"GET {target} HTTP/1.1\r\nHost: encoded.behaviour\r\nConnection: close\r\n\r\n");
            Assert.Contains($"\"path\":\"{expected}\"", Assert.Single(answer));
        }
    }

    [Fact]
    public async Task A_redirect_on_a_backendRef_answers_the_requests_its_weight_draws()
    {
        await EchoServiceAsync("split-redirect");
        await ApplyRouteAsync(Route("split-redirect", "split-redirect", """
            [{"filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-rule","value":"yes"}]}}],
              "backendRefs":[{"name":"split-redirect","port":80,"weight":1,
                "filters":[{"type":"RequestRedirect","requestRedirect":{"hostname":"moved.example","statusCode":301}}]},
               {"name":"split-redirect","port":80,"weight":1}]}]
            """));
        using var client = await ClientAsync();
        await Eventually.HoldsAsync(() => client.EchoAsync("http://split-redirect.behaviour/"), r => r.Status == 301, "the redirect applies");

        var statuses = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var response = await client.EchoAsync("http://split-redirect.behaviour/p?q=1");
            statuses.Add(response.Status);
            Assert.Equal("yes", response.Headers["x-rule"]);
            if (response.Status == 301)
            {
                Assert.Equal("http://moved.example/p?q=1", response.Headers["Location"]);
            }
        }
        Assert.Equal([200, 301], statuses.Distinct().Order());
    }

    [Fact]
    public async Task A_request_timeout_answers_504_and_leaves_fast_requests_alone()
    {
        await EchoServiceAsync("slow");
        // A second, not less: the fast request after it must not time out on a busy machine with cold code.
        await ApplyRouteAsync(Route("slow", "slow", """[{"timeouts":{"request":"1s"},"backendRefs":[{"name":"slow","port":80}]}]"""));
        using var client = await ClientAsync();

        await Eventually.HoldsAsync(() => client.EchoAsync("http://slow.behaviour/", ("x-echo-delay-ms", "3000")), r => r.Status == 504, "the timeout applies");
        Assert.Equal(200, (await client.EchoAsync("http://slow.behaviour/")).Status);
    }

    [Fact]
    public async Task Retries_replay_the_request_on_listed_codes()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await EnsureNamespaceAsync();
        await backend.RegisterAsync(mesh.Api, Ns, "flaky");
        await ApplyRouteAsync(Route("flaky", "flaky", """
            [{"retry":{"codes":[503],"attempts":2},
              "filters":[{"type":"ResponseHeaderModifier","responseHeaderModifier":{"set":[{"name":"x-route","value":"flaky"}]}}],
              "backendRefs":[{"name":"flaky","port":80}]}]
            """));
        using var client = await ClientAsync();
        // Until the route is in force, requests pass straight through (without retries): wait for its mark.
        await Eventually.HoldsAsync(() => client.EchoAsync("http://flaky.behaviour/warmup"),
            r => r.Headers.TryGetValue("x-route", out var mark) && mark == "flaky", "the route is in force");
        backend.Requests.Clear();

        backend.AnswerNext(503, 503);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://flaky.behaviour/order") { Content = new StringContent("payload") };
        using var answer = await client.SendAsync(request);

        Assert.Equal(200, (int)answer.StatusCode);
        Assert.Equal(3, backend.Requests.Count);
        Assert.All(backend.Requests, r => Assert.Equal("payload", r.BodyText));
    }

    [Fact]
    public async Task A_mirror_gets_a_copy_and_the_client_gets_the_real_answer()
    {
        await using var mirror = await RecordingBackend.StartAsync();
        await EnsureNamespaceAsync();
        await mirror.RegisterAsync(mesh.Api, Ns, "shadow");
        await EchoServiceAsync("mirrored");
        await ApplyRouteAsync(Route("mirrored", "mirrored", """
            [{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"shadow","port":80}}}],
              "backendRefs":[{"name":"mirrored","port":80}]}]
            """));
        using var client = await ClientAsync();

        // Before the route is in force the request passes straight through, so probe until a copy arrives.
        var answer = await Eventually.HoldsAsync(async () =>
        {
            var response = await client.EchoAsync("http://mirrored.behaviour/copy-me");
            return (Response: response, Mirrored: mirror.Requests.Any(r => r.PathAndQuery == "/copy-me"));
        }, probe => probe.Mirrored && probe.Response.Status == 200, "the mirror saw the request");
        Assert.StartsWith("smiley-v1-", answer.Response.Pod);

        // A request a mirror cannot copy (SocketsHttpHandler sends no "OPTIONS *") is still served: it once got a 500.
        Assert.Equal(200, await RawHttp.StatusAsync(mesh.GatewayUri, "OPTIONS * HTTP/1.1\r\nHost: mirrored.behaviour\r\n\r\n"));
    }

    [Fact]
    public async Task Unresolvable_backends_answer_500_for_their_share_and_zero_weights_answer_500()
    {
        await EchoServiceAsync("partial");
        await ApplyRouteAsync(Route("partial", "partial", """
            [{"matches":[{"path":{"type":"PathPrefix","value":"/half"}}],
              "backendRefs":[{"name":"partial","port":80,"weight":1},{"name":"does-not-exist","port":80,"weight":1}]},
             {"matches":[{"path":{"type":"PathPrefix","value":"/zero"}}],"backendRefs":[{"name":"partial","port":80,"weight":0}]}]
            """));
        using var client = await ClientAsync();
        await Eventually.HoldsAsync(() => client.EchoAsync("http://partial.behaviour/zero"), r => r.Status == 500, "the route applies");

        var statuses = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((await client.EchoAsync("http://partial.behaviour/half")).Status);
        }
        Assert.Equal([200, 500], statuses.Distinct().Order());
        Assert.InRange(statuses.Count(s => s == 500), 100 - 35, 100 + 35); // Binomial(200, 0.5): five deviations either way.
    }

    [Fact]
    public async Task No_endpoints_is_503_and_a_dead_endpoint_is_502_until_ejected()
    {
        await EnsureNamespaceAsync();
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, "empty", []);
        await using var live = await RecordingBackend.StartAsync();
        // 127.0.0.2 at the live backend's port: nothing listens there, so connecting is refused.
        await SelectorlessService.ApplyAsync(mesh.Api, Ns, "half-dead", [("127.0.0.1", live.Port), ("127.0.0.2", live.Port)]);
        using var client = await ClientAsync();

        await Eventually.HoldsAsync(() => client.EchoAsync("http://empty.behaviour/"), r => r.Status == 503, "no endpoints means 503");
        await Eventually.HoldsAsync(() => client.EchoAsync("http://half-dead.behaviour/"), r => r.Status == 200, "the live endpoint serves");

        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add((await client.EchoAsync("http://half-dead.behaviour/")).Status);
        }
        Assert.All(statuses, s => Assert.True(s is 200 or 502, $"unexpected {s}"));
        Assert.True(statuses.Count(s => s == 502) <= 5, "the dead endpoint is ejected after five straight failures");
        Assert.All(statuses.Skip(40), s => Assert.Equal(200, s));
    }
}
