using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The lean HTTP/1.1 front on the traffic port: plain requests are served by it, keep-alive and
/// pipelined, bodies and all; the first request it is not sure of hands the connection to Kestrel, which
/// answers it and every later one on that connection. h2c is the front's too (Http2FrontTests).
/// </summary>
public sealed partial class LeanFrontTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    private static string Get(string path, string fields = "") => $"GET {path} HTTP/1.1\r\nHost: smiley.faces\r\n{fields}\r\n";

    [Fact]
    public async Task Pipelined_plain_requests_are_answered_in_order_on_one_connection_without_Kestrel()
    {
        await SmileyServesAsync();
        var handedOver = await HandedOverAsync();

        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            Get("/one")
            + Get("/two?x=1", "User-Agent: raw\r\n")
            + Get("/three", "Connection: close\r\n"));

        Assert.Equal(3, answers.Count);
        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 200", a));
        Assert.Contains("\"path\":\"/one\"", answers[0]);
        Assert.Contains("\"path\":\"/two?x=1\"", answers[1]);
        Assert.Contains("\"path\":\"/three\"", answers[2]);
        Assert.Contains("Connection: close", answers[2]);
        Assert.Equal(handedOver, await HandedOverAsync());
    }

    [Fact]
    public async Task Each_request_on_a_connection_is_forwarded_with_its_own_field_values()
    {
        await SmileyServesAsync();

        // Same fields in the same places, values alike and then not: none may carry over from the request before.
        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            Get("/same", "User-Agent: one\r\nX-Tag: a\r\n")
            + Get("/same", "User-Agent: one\r\nX-Tag: a\r\n")
            + Get("/same", "User-Agent: two\r\nX-Tag: b\r\n")
            + Get("/other", "X-Tag: b\r\nUser-Agent: two\r\nConnection: close\r\n"));

        Assert.Equal(["/same", "/same", "/same", "/other"], answers.Select(Path));
        Assert.Contains("\"user-agent\":[\"one\"]", answers[1], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"x-tag\":[\"a\"]", answers[1], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"user-agent\":[\"two\"]", answers[2], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"x-tag\":[\"b\"]", answers[2], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"user-agent\":[\"two\"]", answers[3], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_first_unusual_request_hands_the_connection_to_Kestrel_which_answers_it_and_the_rest()
    {
        await SmileyServesAsync();
        var handedOver = await HandedOverAsync();

        // A plain GET (lean), then a chunked POST (Kestrel's), then a plain GET that Kestrel now serves too.
        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            Get("/lean")
            + "POST /chunked HTTP/1.1\r\nHost: smiley.faces\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
            + Get("/after", "Connection: close\r\n"));

        Assert.Equal(["/lean", "/chunked", "/after"], answers.Select(Path));
        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 200", a));
        Assert.Equal(handedOver + 1, await HandedOverAsync());
    }

    [Fact]
    public async Task Prior_knowledge_h2c_on_the_traffic_port_is_served_without_Kestrel()
    {
        await SmileyServesAsync();
        var handedOver = await HandedOverAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.GatewayUri, "/h2"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = "smiley.faces";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("\"path\":\"/h2\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(handedOver, await HandedOverAsync());
    }

    [Fact]
    public async Task A_body_of_declared_length_reaches_the_backend_and_the_connection_carries_on()
    {
        await using var backend = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} got '{body}'");
        }));
        await mesh.Api.ApplyNamespaceAsync("lean");
        await SelectorlessService.ApplyAsync(mesh.Api, "lean", "bodies", [("127.0.0.1", LoopbackServer.Address(backend).Port)]);
        await Eventually.UntilAsync(async () => await RawHttp.StatusAsync(mesh.GatewayUri, "GET / HTTP/1.1\r\nHost: bodies.lean\r\n\r\n") == 200,
            "the Service is in the gateway's tables");
        var handedOver = await HandedOverAsync();

        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "POST /upload HTTP/1.1\r\nHost: bodies.lean\r\nContent-Length: 11\r\n\r\nhello world"
            + "PUT /empty HTTP/1.1\r\nHost: bodies.lean\r\nContent-Length: 0\r\n\r\n"
            + "GET /last HTTP/1.1\r\nHost: bodies.lean\r\nConnection: close\r\n\r\n");

        Assert.Equal(3, answers.Count);
        Assert.Contains("POST /upload got 'hello world'", answers[0]);
        Assert.Contains("PUT /empty got ''", answers[1]);
        Assert.Contains("GET /last got ''", answers[2]);
        Assert.Equal(handedOver, await HandedOverAsync());
    }

    [Fact]
    public async Task A_body_the_proxy_answers_without_reading_is_skipped_and_the_next_request_served()
    {
        await SmileyServesAsync();

        // No Service has this name: the proxy answers 404 and never reads the body.
        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "POST /x HTTP/1.1\r\nHost: nobody.nowhere\r\nContent-Length: 5\r\n\r\nabcde"
            + Get("/next", "Connection: close\r\n"));

        Assert.Equal(2, answers.Count);
        Assert.StartsWith("HTTP/1.1 404", answers[0]);
        Assert.Contains("mesh: no Service for 'nobody.nowhere'", answers[0]);
        Assert.StartsWith("HTTP/1.1 200", answers[1]);
        Assert.Contains("\"path\":\"/next\"", answers[1]);
    }

    [Fact]
    public async Task A_HEAD_answer_has_the_length_and_no_body()
    {
        await SmileyServesAsync();

        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "HEAD /head HTTP/1.1\r\nHost: smiley.faces\r\n\r\n" + Get("/then", "Connection: close\r\n"));

        Assert.Equal(2, answers.Count);
        Assert.Matches(@"Content-Length: [1-9]\d*\r\n", answers[0]);
        Assert.EndsWith("\r\n\r\n", answers[0]);
        Assert.Contains("\"path\":\"/then\"", answers[1]);
    }

    [Fact]
    public async Task A_HEAD_answer_whose_length_is_unknown_says_no_length_rather_than_zero()
    {
        // A backend answering HEAD as its GET would be, chunked: the length is unknown, and RFC 9110 §8.6 allows a
        // Content-Length only if it is the GET's. The front said "Content-Length: 0".
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await backend.AcceptSocketAsync();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await socket.ReceiveAsync(buffer);
                    if (n == 0)
                    {
                        break;
                    }
                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
                socket.Shutdown(SocketShutdown.Both);
            }
        });
        await mesh.Api.ApplyNamespaceAsync("lean-head");
        await SelectorlessService.ApplyAsync(mesh.Api, "lean-head", "chunked", [("127.0.0.1", ((IPEndPoint)backend.LocalEndpoint).Port)]);

        var answer = await Eventually.HoldsAsync(
            async () => Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri, "HEAD / HTTP/1.1\r\nHost: chunked.lean-head\r\nConnection: close\r\n\r\n")),
            a => a.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "the Service is served");

        Assert.DoesNotContain("Content-Length", answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Transfer-Encoding", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", answer);
        Assert.False(serving.IsFaulted);
    }

    [Fact]
    public async Task A_method_is_case_sensitive_so_HEaD_is_forwarded_as_sent_and_answered_with_its_body()
    {
        await SmileyServesAsync();

        // Methods are case-sensitive (RFC 9110 §9.1): "HEaD" is an extension method, not HEAD. It was
        // answered as a HEAD would be, the echo's body withheld, and the front refused it with a 500.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri, "HEaD /cased HTTP/1.1\r\nHost: smiley.faces\r\nConnection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("\"method\":\"HEaD\"", answer);
    }

    [Fact]
    public async Task Targets_the_lean_front_would_have_to_normalize_are_Kestrels()
    {
        await SmileyServesAsync();
        var handedOver = await HandedOverAsync();

        var encoded = await RawHttp.ResponsesAsync(mesh.GatewayUri, Get("/a%20b", "Connection: close\r\n"));
        var dotted = await RawHttp.ResponsesAsync(mesh.GatewayUri, Get("/x/../y", "Connection: close\r\n"));

        Assert.StartsWith("HTTP/1.1 200", Assert.Single(encoded));
        Assert.StartsWith("HTTP/1.1 200", Assert.Single(dotted));
        Assert.Equal(handedOver + 2, await HandedOverAsync());
        // Kestrel takes a fragment in the target; the proxy must not route it (a backend may drop it and see "/admin").
        Assert.StartsWith("HTTP/1.1 400", Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri, Get("/admin#x", "Connection: close\r\n"))));
    }

    [Fact]
    public async Task A_client_that_half_closes_after_its_request_gets_its_answer_from_Kestrel_too()
    {
        await SmileyServesAsync();
        var handedOver = await HandedOverAsync();

        // Sent, then FIN (as "nc -N" or a client shutting down its sending side does): the request is whole and
        // still wants its answer. The lean front gave one; Kestrel took the FIN for the client going away.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri, Get("/half%20closed"), endSending: true));

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("\"path\":\"/half%20closed\"", answer);
        Assert.Equal(handedOver + 1, await HandedOverAsync());
    }

    [Fact]
    public async Task An_answer_that_leaves_a_large_upload_unread_says_it_closes_the_connection()
    {
        await SmileyServesAsync();

        // No Service by that name: a 404 before any of the 200 kB is read. The front closes rather than drain that much,
        // and the head says so, where it said keep-alive and then closed.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "POST /upload HTTP/1.1\r\nHost: nothing.faces\r\nContent-Length: 200000\r\n\r\n" + new string('x', 1000)));

        Assert.StartsWith("HTTP/1.1 404", answer);
        Assert.Contains("Connection: close\r\n", answer);
    }

    [Fact]
    public async Task A_proxy_form_target_is_routed_by_its_URI_over_a_contradicting_Host()
    {
        await SmileyServesAsync();

        var answers = await RawHttp.ResponsesAsync(mesh.GatewayUri,
            "GET http://smiley.faces/by-uri HTTP/1.1\r\nHost: nobody.nowhere\r\nConnection: close\r\n\r\n");

        var answer = Assert.Single(answers);
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("\"host\":\"smiley.faces\"", answer);
        Assert.Contains("\"path\":\"/by-uri\"", answer);
    }

    [Fact]
    public async Task A_client_trickling_its_body_below_the_minimum_data_rate_is_cut_off_while_others_are_served()
    {
        await SmileyServesAsync();
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await slow.ConnectAsync(new IPEndPoint(IPAddress.Loopback, mesh.GatewayUri.Port));
        await slow.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: smiley.faces\r\nContent-Length: 100000\r\n\r\nabc"), SocketFlags.None);

        await SmileyServesAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var cut = false;
        try
        {
            // Kestrel's rule: after 5 s of waiting, 240 bytes a second on average; three bytes are far below it.
            cut = await slow.ReceiveAsync(new byte[1024], SocketFlags.None, deadline.Token) == 0;
        }
        catch (SocketException)
        {
            cut = true; // Reset, as the connection had unread bytes.
        }
        Assert.True(cut, "the trickling client's connection was closed");
        await SmileyServesAsync();
    }

    private static string Path(string answer) => PathField().Match(answer) is { Success: true } m ? m.Groups[1].Value : "";

    [GeneratedRegex("\"path\":\"([^\"]*)\"")]
    private static partial Regex PathField();

    private Task SmileyServesAsync() => Eventually.UntilAsync(
        async () => await RawHttp.StatusAsync(mesh.GatewayUri, Get("/")) == 200,
        "smiley.faces is served");

    private async Task<long> HandedOverAsync()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(mesh.GatewayAdminUri, "metrics"));
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("mesh_gateway_front_connections_total{front=\"kestrel\"}", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
