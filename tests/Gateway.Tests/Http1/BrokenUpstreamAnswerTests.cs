using System.Text;
using Mesh.Gateway.Balancing;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Tables;
using Mesh.TestSupport.Fuzz;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>
/// Upstream answers broken at random, from a fixed seed, through the lean HTTP/1.1 client on real sockets.
/// Whatever an upstream sends, the forwarder ends the exchange in time without throwing; what it relays is
/// HTTP a client can trust (no field carrying a line break, a body as long as its Content-Length says);
/// and the next request never gets bytes left over from another's answer as its own (a connection left
/// holding them must not be reused). MESH_FUZZ_CASES and MESH_FUZZ_SEED run more, or others.
/// </summary>
public sealed class BrokenUpstreamAnswerTests(ITestOutputHelper output) : IDisposable
{
    private const string Next = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Answer: next\r\n\r\nnext";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly string[] Seeds =
    [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nto the close",
        "HTTP/1.1 200 OK\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nRetry-After: 1\r\n\r\nbusy",
        "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nKeep-Alive: timeout=5\r\n\r\nnot found",
    ];

    private static readonly string[] Tokens =
    [
        "\r\n", "\n", "\r", "\0", " ", "\t", ":", ",", "\x7f", "\u00ff", "\r\n\r\n", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n", "0\r\n\r\n", "ffffffffffffffffff\r\n", "5\r\nhello\r\n", "Content-Length: 99\r\n", "Content-Length: 1, 2\r\n",
        "Content-Length: -1\r\n", "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked, identity\r\n",
        "Connection: close\r\n", "Connection: keep-alive\r\n", " folded\r\n", "X-Empty:\r\n", "Set-Cookie: c=3\r\n", "Content-Type: a\r\nb\r\n",
    ];

    private readonly HttpForwarder _forwarder = new(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = true });

    public void Dispose() => _forwarder.Dispose();

    [Fact]
    public async Task Any_answer_ends_in_time_is_relayed_only_as_valid_HTTP_and_never_poisons_the_next_request()
    {
        var run = new FuzzTally<int>(120);
        var random = run.Random;
        foreach (var i in run.CaseNumbers())
        {
            var answer = ByteMutations.Apply(Seeds[random.Next(Seeds.Length)], Tokens, random);
            await using var upstream = new ScriptedUpstream()
                .Then(answer, thenClose: random.Next(2) == 0, pieces: random.Next(3) == 0 ? random.Next(1, 8) : 0)
                .Then(Next);
            var method = random.Next(4) == 0 ? "HEAD" : "GET";
            try
            {
                var first = await ForwardAsync(upstream, method);
                run.Saw(first.Response.StatusCode);
                var fault = Fault(first, method);
                // After a 504 the connection is dropped, and on a busy machine the upstream may not even have read
                // the request: its scripted answer would then go to the next one. Only the other endings are followed.
                var next = fault is null && first.Response.StatusCode != 504 ? await ForwardAsync(upstream, "GET") : null;
                fault ??= next is null || next.Response.StatusCode is 502 or 504 || (next.Response.StatusCode == 200 && Body(next) == "next")
                    ? null
                    : $"the next request got {next.Response.StatusCode} \"{Body(next)}\", not its own answer";
                if (fault is not null)
                {
                    run.Failed(i, $"{method}: {fault} for {FuzzRun.Quote(answer)}");
                }
            }
            catch (Exception e)
            {
                run.Failed(i, $"{method}: {e.GetType().Name}: {e.Message} for {FuzzRun.Quote(answer)}");
            }
        }
        run.Report(output);
    }

    /// <summary>Why what the forwarder made of an answer is wrong, or null.</summary>
    private static string? Fault(DefaultHttpContext context, string method)
    {
        var response = context.Response;
        if (response.StatusCode is < 100 or > 599 or 500)
        {
            return $"status {response.StatusCode}";
        }
        foreach (var (name, values) in response.Headers)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 0x7f || c == ':'))
            {
                return $"a field named \"{name}\"";
            }
            if (values.Any(value => value is not null && value.Any(c => c is '\r' or '\n' or '\0')))
            {
                return $"field {name} relayed with a line break or NUL";
            }
        }
        var aborted = context.Features.Get<ForwardedContext.AbortRecorder>()!.Aborted;
        if (!aborted && method == "GET" && response.ContentLength is { } length && response.StatusCode is not (204 or 304)
            && ((MemoryStream)response.Body).Length != length)
        {
            return $"Content-Length {length} relayed with a body of {((MemoryStream)response.Body).Length} bytes";
        }
        return null;
    }

    private async Task<DefaultHttpContext> ForwardAsync(ScriptedUpstream upstream, string method)
    {
        var context = ForwardedContext.New(method, null, trailers: true);
        var plan = new ForwardPlan(EndpointPool.Direct("127.0.0.1", upstream.Port), "echo.ns", "/", UseH2c: false,
            new TimeoutPolicy(RequestTimeout, null), null, [], new RequestLabels());
        // The route's timeout bounds an answer that never ends. The deadline is far beyond it: on a busy
        // machine the timeout's timer itself can fire late, and only an exchange that never ends is wrong.
        await _forwarder.ForwardAsync(context, plan, null, replayable: true).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await context.Response.BodyWriter.FlushAsync();
        return context;
    }

    private static string Body(DefaultHttpContext context) => Encoding.Latin1.GetString(((MemoryStream)context.Response.Body).ToArray());
}
