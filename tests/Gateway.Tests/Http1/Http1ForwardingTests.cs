using System.Net;
using System.Text;
using Mesh.Gateway.Balancing;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>
/// The lean HTTP/1.1 upstream client, driven through the forwarder against a raw upstream on a real
/// socket: framing, connection reuse, stale connections, interim answers, trailers and invalid responses.
/// </summary>
public sealed class Http1ForwardingTests : IDisposable
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";

    private readonly HttpForwarder _forwarder = new(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = true });

    public void Dispose() => _forwarder.Dispose();

    [Fact]
    public async Task A_content_length_answer_is_relayed_and_its_connection_reused()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok).Then(Ok);

        var first = await ForwardAsync(upstream);
        var second = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (first.Status, first.Body));
        Assert.Equal((200, "hello"), (second.Status, second.Body));
        Assert.Equal("text/plain", first.Headers.ContentType);
        Assert.Equal(1, upstream.Connections);
        Assert.Equal(1, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Fact]
    public async Task Each_answer_on_a_reused_connection_carries_its_own_header_values()
    {
        await using var upstream = new ScriptedUpstream()
            .Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\nETag: \"a\"\r\n\r\nhello")
            .Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\nETag: \"b\"\r\n\r\nhello")
            .Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"b\"\r\nContent-Type: text/html\r\n\r\nhello");

        var first = await ForwardAsync(upstream);
        var second = await ForwardAsync(upstream);
        var third = await ForwardAsync(upstream);

        Assert.Equal(1, upstream.Connections);
        Assert.Equal(("text/plain", "\"a\""), (first.Headers.ContentType.ToString(), first.Headers.ETag.ToString()));
        Assert.Equal(("text/plain", "\"b\""), (second.Headers.ContentType.ToString(), second.Headers.ETag.ToString()));
        Assert.Equal(("text/html", "\"b\""), (third.Headers.ContentType.ToString(), third.Headers.ETag.ToString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_timeout_while_a_reused_connection_waits_for_its_answer_is_a_504_and_the_connection_is_dropped(bool backendRequest)
    {
        // The second request is read and never answered: its wait is on the receive the idle connection posted.
        await using var upstream = new ScriptedUpstream().Then(Ok).Then([]).Then(Ok);
        Assert.Equal(200, (await ForwardAsync(upstream)).Status);
        var timeout = TimeSpan.FromMilliseconds(200);
        var context = ForwardedContext.New("GET", null, trailers: false);
        var plan = new ForwardPlan(EndpointPool.Direct("127.0.0.1", upstream.Port), "echo.ns", "/", UseH2c: false,
            backendRequest ? new TimeoutPolicy(null, timeout) : new TimeoutPolicy(timeout, null), null, [], new RequestLabels());

        await _forwarder.ForwardAsync(context, plan, null, replayable: true);

        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal(1, upstream.Connections);
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
        Assert.Equal(200, (await ForwardAsync(upstream)).Status); // On a new connection.
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task The_request_head_carries_end_to_end_headers_with_host_and_forwarded_for()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        await ForwardAsync(upstream, "/p?q=1", headers: h =>
        {
            h.Connection = "keep-alive, X-Hop";
            h["X-Hop"] = "dropped";
            h["Keep-Alive"] = "timeout=5";
            h["X-Forwarded-For"] = "10.0.0.1";
            h["X-Forwarded-Proto"] = "https";
            h.Cookie = new(["a=1", "b=2"]);
            h["X-Kept"] = "yes";
        });

        var head = Assert.Single(upstream.Requests).Head;
        Assert.StartsWith("GET /p?q=1 HTTP/1.1\r\nHost: echo.ns\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Kept: yes\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nCookie: a=1; b=2\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-For: 10.0.0.1, 127.1.0.5\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-Proto: http\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Hop", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Keep-Alive", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\r\nX-Evil: 1")] // Would start a header of its own upstream.
    [InlineData("caf\u00e9")] // Not ASCII.
    [InlineData("nul\0here")]
    [InlineData("lf\nX-Evil: 1")]
    [InlineData("tab\tthen\r\nX-Evil: 1")] // A tab passes the quick check's slow step, the line break must not.
    public async Task A_header_that_cannot_be_sent_is_a_400_and_no_fault_of_the_endpoint(string value)
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        for (var i = 0; i < 6; i++)
        {
            var answer = await ForwardAsync(upstream, headers: h => h["X-Value"] = value);
            AssertStatus(400, answer);
        }

        Assert.Empty(upstream.Requests);
        AssertStatus(200, await ForwardAsync(upstream)); // Not ejected by six such requests.
        Assert.Equal(1, upstream.Connections); // Nor was a connection thrown away for them.
    }

    [Theory]
    [InlineData("/a/./b/../c")]
    [InlineData("/a/%2E%2E/b")]
    [InlineData("/a\\..\\b")]
    [InlineData("/%7Euser/x?q=%41")]
    public async Task SocketsHttpHandler_sends_the_target_as_routed_without_canonicalizing_it(string target)
    {
        using var forwarder = new HttpForwarder(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = false });
        await using var upstream = new ScriptedUpstream().Then(Ok);
        var context = ForwardedContext.New("GET", null, trailers: false);

        await forwarder.ForwardAsync(context, Plan(upstream.Port, target, null), null, replayable: true);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.StartsWith($"GET {target} HTTP/1.1\r\n", Assert.Single(upstream.Requests).Head);
    }

    [Fact]
    public async Task SocketsHttpHandler_names_TE_in_Connection_when_it_passes_TE_trailers_on()
    {
        using var forwarder = new HttpForwarder(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = false });
        await using var upstream = new ScriptedUpstream().Then(Ok);
        var context = ForwardedContext.New("GET", h => { h.TE = "trailers"; h.Connection = "TE"; }, trailers: true);

        await forwarder.ForwardAsync(context, Plan(upstream.Port, "/", null), null, replayable: true);

        var head = Assert.Single(upstream.Requests).Head;
        Assert.Contains("\r\nTE: trailers\r\n", head, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"(?im)^Connection:.*\bTE\b", head);
    }

    [Theory]
    [InlineData("a\r\nX-Evil: 1")]
    [InlineData("caf\u00e9")]
    [InlineData("nul\0here")]
    public async Task A_header_SocketsHttpHandler_cannot_send_is_a_400_and_no_fault_of_the_endpoint_either(string value)
    {
        // The path for h2c backends and bodies of unknown length: SocketsHttpHandler refused such a value only when
        // sending, which read as the endpoint failing (a 502, and five in a row ejected it).
        using var forwarder = new HttpForwarder(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = false });
        await using var upstream = new ScriptedUpstream().Then(Ok);
        var endpoints = EndpointPool.Direct("127.0.0.1", upstream.Port);
        async Task<int> SendAsync(string? header)
        {
            var context = ForwardedContext.New("GET", h => h["X-Value"] = header, trailers: false);
            await forwarder.ForwardAsync(context, new ForwardPlan(endpoints, "echo.ns", "/", UseH2c: false, TimeoutPolicy.None, null, [],
                new RequestLabels()), null, replayable: true);
            return context.Response.StatusCode;
        }

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(400, await SendAsync(value));
        }

        Assert.Empty(upstream.Requests);
        Assert.Equal(200, await SendAsync("fine"));
    }

    [Fact]
    public async Task A_value_with_a_tab_is_sent_as_it_came()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        AssertStatus(200, await ForwardAsync(upstream, headers: h => h["X-Tabbed"] = "a\tb c"));

        Assert.Contains("\r\nX-Tabbed: a\tb c\r\n", Assert.Single(upstream.Requests).Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_with_a_space_is_a_400()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        var answer = await ForwardAsync(upstream, "/a b HTTP/1.1\r\nX: y");

        AssertStatus(400, answer);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task An_empty_POST_says_it_is_empty()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        await ForwardAsync(upstream, method: "POST");

        Assert.Contains("\r\nContent-Length: 0\r\n", Assert.Single(upstream.Requests).Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buffered_body_is_sent_with_its_length()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        var answer = await ForwardAsync(upstream, method: "POST", body: "payload"u8.ToArray());

        AssertStatus(200, answer);
        var (_, head, body) = Assert.Single(upstream.Requests);
        Assert.StartsWith("POST / HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 7\r\n", head, StringComparison.Ordinal);
        Assert.Equal("payload", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task A_body_of_declared_length_is_streamed_upstream()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok).Then(Ok);
        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).ToArray();

        var answer = await ForwardAsync(upstream, method: "PUT", streamed: payload, headers: h => h.Expect = "100-continue");
        var next = await ForwardAsync(upstream);

        AssertStatus(200, answer);
        var (_, head, body) = upstream.Requests.First();
        Assert.Contains("\r\nContent-Length: 200000\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Expect", head, StringComparison.Ordinal); // The server answered the client's expectation; the body goes at once.
        Assert.Equal(payload, body);
        AssertStatus(200, next);
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task An_upstream_refusing_a_body_early_is_answered_with_its_refusal()
    {
        await using var upstream = new ScriptedUpstream()
            .ThenBeforeBody("HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo much")
            .Then(Ok);

        var answer = await ForwardAsync(upstream, method: "POST", streamed: new byte[4 << 20]);
        var next = await ForwardAsync(upstream);

        // Either the refusal, or (when the reset beat it) a 502; never a hang, never the connection reused.
        Assert.Contains(answer.Status, new[] { 413, 502 });
        Assert.Equal((200, "hello"), (next.Status, next.Body));
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task A_body_shorter_than_declared_is_a_400_and_its_connection_is_closed()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok);

        var answer = await ForwardAsync(upstream, method: "POST", streamed: "short"u8.ToArray(), declaredLength: 100);

        AssertStatus(400, answer);
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Fact]
    public async Task A_chunked_answer_is_unchunked_and_its_trailers_passed_to_a_client_that_takes_them()
    {
        await using var upstream = new ScriptedUpstream()
            .Then("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Sum: 42\r\n\r\n")
            .Then(Ok);

        var answer = await ForwardAsync(upstream, trailers: true);
        var next = await ForwardAsync(upstream);

        Assert.Equal((200, "hello!"), (answer.Status, answer.Body));
        Assert.Equal("42", answer.Trailers!["X-Sum"]);
        Assert.False(answer.Headers.ContainsKey("Transfer-Encoding")); // Hop-by-hop: the client's side frames it anew.
        Assert.Equal((200, "hello"), (next.Status, next.Body));
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task An_answer_read_a_few_bytes_at_a_time_is_whole()
    {
        var chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "3\r\nabc\r\n" + "00000a\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
        var large = "HTTP/1.1 200 OK\r\nX-Big: " + new string('b', 20_000) + "\r\nContent-Length: 5\r\n\r\nhello";
        await using var upstream = new ScriptedUpstream().Then(chunked, pieces: 3).Then(large, pieces: 1000).Then(Ok, pieces: 1);

        var first = await ForwardAsync(upstream, trailers: true);
        var second = await ForwardAsync(upstream);
        var third = await ForwardAsync(upstream);

        Assert.Equal((200, "abc0123456789"), (first.Status, first.Body));
        Assert.Equal("1", first.Trailers!["X-T"]);
        Assert.Equal((200, "hello", 20_000), (second.Status, second.Body, second.Headers["X-Big"].ToString().Length));
        Assert.Equal((200, "hello"), (third.Status, third.Body));
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task Chunked_framing_wins_over_a_Content_Length_which_is_not_passed_on()
    {
        await using var upstream = new ScriptedUpstream()
            .Then("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
        Assert.Null(answer.Headers.ContentLength);
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port))); // Not trusted again.
    }

    [Fact]
    public async Task A_value_with_tabs_and_spaces_inside_is_passed_on_as_sent()
    {
        // And a Content-Length with more leading zeros than a long has digits: still 7.
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nX-Spaced: \ta \tb~\t \r\nContent-Length: 0000000000000000000007\r\n\r\nhello!!");

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello!!"), (answer.Status, answer.Body));
        Assert.Equal("a \tb~", answer.Headers["X-Spaced"].ToString()); // Trimmed at the ends only (RFC 9110 §5.5).
    }

    [Fact]
    public async Task A_repeated_equal_Content_Length_is_passed_on_once()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello");

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
        Assert.Equal("5", answer.Headers["Content-Length"].ToString());
    }

    [Fact]
    public async Task A_204_passes_on_no_Content_Length()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");

        var answer = await ForwardAsync(upstream);

        AssertStatus(204, answer);
        Assert.Null(answer.Headers.ContentLength);
    }

    [Fact]
    public async Task Bytes_no_request_asked_for_never_become_the_next_answer()
    {
        // A server that wrongly sends a body after its HEAD answer, in a segment of its own.
        const string headAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        await using var upstream = new ScriptedUpstream()
            .Then(headAnswer + "hello", pieces: headAnswer.Length)
            .Then("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");

        var head = await ForwardAsync(upstream, method: "HEAD");
        await Task.Delay(50); // The stray body arrives while the connection sits in the pool.
        var next = await ForwardAsync(upstream);

        AssertStatus(200, head);
        Assert.Equal((200, "second"), (next.Status, next.Body));
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task An_answer_without_length_runs_to_the_close_and_its_connection_is_not_reused()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\n\r\nuntil the end", thenClose: true).Then(Ok);

        var answer = await ForwardAsync(upstream);
        var next = await ForwardAsync(upstream);

        Assert.Equal((200, "until the end"), (answer.Status, answer.Body));
        AssertStatus(200, next);
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task Connection_close_from_the_upstream_is_honoured()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi");

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hi"), (answer.Status, answer.Body));
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Theory]
    [InlineData("content-length: 5\r\n\r\nhello", 1)]
    [InlineData("TRANSFER-ENCODING: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 1)]
    [InlineData("connection: CLOSE\r\nCONTENT-LENGTH: 5\r\n\r\nhello", 0)]
    public async Task Framing_and_connection_fields_are_read_in_any_case(string fieldsAndBody, int idleAfter)
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\n" + fieldsAndBody);

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
        Assert.Equal(idleAfter, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Fact]
    public async Task A_pooled_connection_the_upstream_closed_is_replaced_without_failing_the_request()
    {
        // The server hangs up after its answer without saying so: the pooled connection is dead.
        await using var upstream = new ScriptedUpstream().Then(Ok, thenClose: true).Then(Ok);

        var first = await ForwardAsync(upstream);
        await Task.Delay(50); // Its FIN arrives while the connection sits idle.
        var second = await ForwardAsync(upstream);

        AssertStatus(200, first);
        Assert.Equal((200, "hello"), (second.Status, second.Body));
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task Interim_answers_are_skipped_and_the_final_one_relayed()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + Ok);

        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task A_HEAD_answer_has_no_body_to_wait_for()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").Then(Ok);

        var answer = await ForwardAsync(upstream, method: "HEAD");
        var next = await ForwardAsync(upstream);

        Assert.Equal((200, ""), (answer.Status, answer.Body));
        Assert.Equal(1000, answer.Headers.ContentLength);
        Assert.Equal((200, "hello"), (next.Status, next.Body));
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task A_POST_whose_pooled_connection_died_is_not_sent_twice()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok).ThenHangUp().Then(Ok);

        AssertStatus(200, await ForwardAsync(upstream));
        // The connection is pooled; the server reads the next request, then hangs up without an answer.
        var answer = await ForwardAsync(upstream, method: "POST", body: "pay once"u8.ToArray());

        AssertStatus(502, answer);
        Assert.Equal(1, upstream.Requests.Count(r => r.Head.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_GET_whose_pooled_connection_died_unanswered_is_sent_once_more()
    {
        await using var upstream = new ScriptedUpstream().Then(Ok).ThenHangUp().Then(Ok);

        AssertStatus(200, await ForwardAsync(upstream));
        var answer = await ForwardAsync(upstream);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
        Assert.Equal(3, upstream.Requests.Count);
        Assert.Equal(2, upstream.Connections);
    }

    [Theory]
    [InlineData("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n")] // Status is not three digits.
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")] // A coding the client would get undeclared.
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nhi")] // Not a coding to frame by.
    [InlineData("HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9\r\nContent-Length: 0\r\n\r\n")] // obs-text, which Kestrel would refuse to send.
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\n\n")] // Bare LF: refused at once rather than waited on.
    [InlineData("ICY 200 OK\r\nContent-Length: 0\r\n\r\n")] // Not HTTP.
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n")] // Obsolete line folding.
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi")] // Conflicting lengths.
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi")] // Whitespace before the colon.
    [InlineData("HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nContent-Length: 0\r\n\r\n")] // A control character in a value.
    [InlineData("HTTP/1.1 200 OK\r\nX-Del: a\u007fb\r\nContent-Length: 0\r\n\r\n")] // DEL, a control too.
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi")] // Digits only: no sign.
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nhi")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1 1\r\n\r\nhi")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n")] // Beyond any body.
    public async Task An_invalid_answer_is_a_502(string reply)
    {
        await using var upstream = new ScriptedUpstream().Then(reply);

        var answer = await ForwardAsync(upstream);

        AssertStatus(502, answer);
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Fact]
    public async Task A_head_beyond_64_KiB_is_a_502()
    {
        var huge = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Filler: " + new string('x', 1000) + "\r\n", 70)) + "Content-Length: 0\r\n\r\n";
        await using var upstream = new ScriptedUpstream().Then(huge);

        var answer = await ForwardAsync(upstream);

        AssertStatus(502, answer);
    }

    [Fact]
    public async Task A_body_cut_short_aborts_the_client_response()
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", thenClose: true);

        var answer = await ForwardAsync(upstream);

        Assert.True(answer.Aborted);
        Assert.Equal("only this", answer.Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_timeout_covers_the_body_too_and_cuts_an_answer_that_stalls_midway(bool backendRequest)
    {
        // Headers at once, then half the body, then nothing: the spec's backendRequest runs "until the full
        // response has been received", as the request timeout does.
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf");
        // Long enough for the head to come in first on a cold, busy machine (300 ms once did not): the body is what stalls.
        var timeout = TimeSpan.FromSeconds(2);
        var context = ForwardedContext.New("GET", null, trailers: false);
        var plan = new ForwardPlan(EndpointPool.Direct("127.0.0.1", upstream.Port), "echo.ns", "/", UseH2c: false,
            backendRequest ? new TimeoutPolicy(null, timeout) : new TimeoutPolicy(timeout, null), null, [], new RequestLabels());

        await _forwarder.ForwardAsync(context, plan, null, replayable: true).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.True(context.Features.Get<ForwardedContext.AbortRecorder>()!.Aborted);
        Assert.Equal(0, _forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    [Theory]
    [InlineData("1200h", null)]
    [InlineData(null, "99999h")]
    [InlineData("99999h", "99999h")]
    public async Task A_timeout_longer_than_a_timer_can_wait_still_serves(string? request, string? backendRequest)
    {
        // 1200h is past .NET's longest timer (about 49.7 days), where CancelAfter throws: every request failed.
        await using var upstream = new ScriptedUpstream().Then(Ok);
        var context = ForwardedContext.New("GET", null, trailers: false);
        var plan = new ForwardPlan(EndpointPool.Direct("127.0.0.1", upstream.Port), "echo.ns", "/", UseH2c: false,
            TimeoutPolicy.From(new Mesh.Grains.Model.HttpRouteTimeouts { Request = request, BackendRequest = backendRequest }), null, [],
            new RequestLabels());

        await _forwarder.ForwardAsync(context, plan, null, replayable: true);

        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task A_retried_status_frees_its_connection_for_the_next_attempt()
    {
        await using var upstream = new ScriptedUpstream()
            .Then("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
            .Then(Ok);
        var retry = new RetryPolicy(new HashSet<int> { 503 }, Attempts: 1, Backoff: TimeSpan.Zero);

        var answer = await ForwardAsync(upstream, retry: retry);

        Assert.Equal((200, "hello"), (answer.Status, answer.Body));
        Assert.Equal(2, upstream.Requests.Count);
        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task A_refused_connection_is_a_502()
    {
        int port;
        await using (var closed = new ScriptedUpstream())
        {
            port = closed.Port;
        }
        var context = ForwardedContext.New("GET", null, trailers: false);
        var plan = Plan(port, "/", null);

        await _forwarder.ForwardAsync(context, plan, bufferedBody: null, replayable: false);

        Assert.Equal(502, context.Response.StatusCode);
    }

    [Fact]
    public async Task More_than_256_header_fields_is_a_502()
    {
        var many = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"a{i}: b\r\n")) + "Content-Length: 0\r\n\r\n";
        await using var upstream = new ScriptedUpstream().Then(many);

        AssertStatus(502, await ForwardAsync(upstream));
    }

    /// <summary>The status, and when it is not the one expected, the body that says why (the proxy's error text).</summary>
    private static void AssertStatus(int expected, Answer answer) =>
        Assert.True(answer.Status == expected, $"expected {expected}, got {answer.Status}: {answer.Body}");

    private sealed record Answer(int Status, string Body, IHeaderDictionary Headers, IHeaderDictionary? Trailers, bool Aborted);

    /// <param name="body">A body already read (as for retries); <paramref name="streamed"/> one still to be read from the client.</param>
    private async Task<Answer> ForwardAsync(ScriptedUpstream upstream, string path = "/", string method = "GET",
        Action<IHeaderDictionary>? headers = null, byte[]? body = null, bool trailers = false, RetryPolicy? retry = null,
        byte[]? streamed = null, long? declaredLength = null)
    {
        var context = ForwardedContext.New(method, headers, trailers);
        if (streamed is not null)
        {
            context.Request.Body = new MemoryStream(streamed);
            context.Request.ContentLength = declaredLength ?? streamed.Length;
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new ForwardedContext.HasBody());
        }
        await _forwarder.ForwardAsync(context, Plan(upstream.Port, path, retry), body, replayable: streamed is null);
        await context.Response.BodyWriter.FlushAsync();
        var received = (MemoryStream)context.Response.Body;
        return new Answer(context.Response.StatusCode, Encoding.Latin1.GetString(received.ToArray()), context.Response.Headers,
            context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers, context.Features.Get<ForwardedContext.AbortRecorder>()!.Aborted);
    }

    private static ForwardPlan Plan(int port, string path, RetryPolicy? retry) =>
        new(EndpointPool.Direct("127.0.0.1", port), "echo.ns", path, UseH2c: false, TimeoutPolicy.None, retry, [], new RequestLabels());
}
