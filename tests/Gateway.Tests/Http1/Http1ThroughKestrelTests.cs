using System.Net;
using Mesh.Gateway.Balancing;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Mesh.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>
/// Upstream answers whose headers Kestrel itself would refuse if passed on as received (a doubled or
/// chunked-framed Content-Length, one on a 204), relayed through a real Kestrel to HTTP/1.1 and HTTP/2 clients.
/// </summary>
public sealed class Http1ThroughKestrelTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200, "hello")]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, "")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello")]
    public async Task Framing_headers_are_set_from_the_framing_for_both_client_protocols(string reply, int status, string body)
    {
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            await using var upstream = new ScriptedUpstream().Then(reply);
            await using var front = await FrontAsync(upstream.Port);
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, front.Url) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

            using var response = await client.SendAsync(request);

            Assert.Equal((status, body), ((int)response.StatusCode, await response.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task Trailers_of_a_chunked_answer_reach_an_HTTP2_client()
    {
        await using var upstream = new ScriptedUpstream()
            .Then("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 42\r\n\r\n");
        await using var front = await FrontAsync(upstream.Port);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, front.Url) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("hello", body);
        Assert.Equal("42", Assert.Single(response.TrailingHeaders.GetValues("X-Sum")));
    }

    [Fact]
    public async Task A_replaced_response_body_stream_gets_the_whole_body()
    {
        // The access log counts bytes by replacing Response.Body with a stream of its own.
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        await using var front = await FrontAsync(upstream.Port, wrapBody: true);
        using var client = new HttpClient();

        Assert.Equal("hello", await client.GetStringAsync(front.Url));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Either_upstream_client_carries_an_HTTP1_exchange_as_chosen(bool lean)
    {
        await using var upstream = new ScriptedUpstream().Then("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Up: 1\r\n\r\nhello");
        await using var front = await FrontAsync(upstream.Port, lean: lean);
        using var client = new HttpClient();

        using var response = await client.GetAsync(front.Url);

        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-Up")));
        // Only the lean client keeps its connection in its own pool; SocketsHttpHandler keeps it in its.
        Assert.Equal(lean ? 1 : 0, front.Forwarder.Http1.IdleConnections(new IPEndPoint(IPAddress.Loopback, upstream.Port)));
    }

    /// <summary>A Kestrel whose every request the forwarder sends to the upstream on <paramref name="port"/>.</summary>
    private static async Task<Front> FrontAsync(int port, bool wrapBody = false, bool lean = true)
    {
        var forwarder = new HttpForwarder(new GatewayMetrics(new TableHolder()), new GatewayOptions { LeanHttp1Upstream = lean });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttp1AndH2c())); // As the gateway listens.
        var app = builder.Build();
        var pool = EndpointPool.Direct("127.0.0.1", port);
        if (wrapBody)
        {
            app.Use((context, next) =>
            {
                context.Response.Body = new PassThroughStream(context.Response.Body);
                return next(context);
            });
        }
        app.Run(context => forwarder.ForwardAsync(context,
            new ForwardPlan(pool, "echo.ns", "/", UseH2c: false, TimeoutPolicy.None, null, [], new RequestLabels()), bufferedBody: null, replayable: false).AsTask());
        await app.StartAsync();
        return new Front(app, forwarder);
    }

    private sealed class PassThroughStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }

    private sealed record Front(WebApplication App, HttpForwarder Forwarder) : IAsyncDisposable
    {
        public Uri Url => new(App.Urls.First());

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Forwarder.Dispose();
        }
    }
}
