using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>A mesh whose gateway cuts slow senders after one second, so the slowloris test stays short.</summary>
public sealed class ImpatientMesh : IAsyncLifetime
{
    public DemoMesh Mesh { get; } = DemoMesh.WithGateway(options => options.HeaderTimeoutSeconds = 1);

    public Task InitializeAsync() => Mesh.InitializeAsync();

    public Task DisposeAsync() => Mesh.DisposeAsync();
}

/// <summary>
/// Hostile and broken clients get a 4xx or a closed connection, never a crash or a hang, and the
/// proxy keeps serving everyone else afterwards.
/// </summary>
public sealed class HostileInputTests(ImpatientMesh fixture) : IClassFixture<ImpatientMesh>
{
    private DemoMesh Mesh => fixture.Mesh;

    private async Task StillServesAsync()
    {
        using var client = await Mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
    }

    [Fact]
    public async Task Oversized_headers_get_431()
    {
        var huge = new string('a', 40_000);
        Assert.Equal(431, await RawHttp.StatusAsync(Mesh.GatewayUri, $"GET / HTTP/1.1\r\nHost: smiley.faces\r\nX-Big: {huge}\r\n\r\n"));
        await StillServesAsync();
    }

    [Fact]
    public async Task An_oversized_request_line_gets_414()
    {
        var path = "/" + new string('p', 10_000);
        Assert.Equal(414, await RawHttp.StatusAsync(Mesh.GatewayUri, $"GET {path} HTTP/1.1\r\nHost: smiley.faces\r\n\r\n"));
        await StillServesAsync();
    }

    [Fact]
    public async Task Content_length_beside_chunked_is_framed_by_chunked_and_the_connection_closed()
    {
        // RFC 9112 §6.1: Transfer-Encoding wins and Content-Length must not be passed on. Kestrel renames it,
        // answers, and closes the connection, so bytes after the first request can never be read as a second.
        var answers = await RawHttp.ResponsesAsync(Mesh.GatewayUri,
            "POST / HTTP/1.1\r\nHost: smiley.faces\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + "GET /smuggled HTTP/1.1\r\nHost: smiley.faces\r\n\r\n");

        var answer = Assert.Single(answers);
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("Connection: close", answer);
        Assert.DoesNotContain("\"content-length\"", answer);
        Assert.DoesNotContain("/smuggled", answer);
        await StillServesAsync();
    }

    [Theory]
    [InlineData("Content-Length: 4\r\nContent-Length: 5\r\n")]
    [InlineData("Transfer-Encoding: gzip\r\n")]
    [InlineData("Content-Length: -1\r\n")]
    public async Task Request_smuggling_shapes_are_refused(string framing)
    {
        var status = await RawHttp.StatusAsync(Mesh.GatewayUri,
            $"POST / HTTP/1.1\r\nHost: smiley.faces\r\n{framing}\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: smiley.faces\r\n\r\n");
        Assert.True(status is 400 or 501, $"got {status}");
        await StillServesAsync();
    }

    [Fact]
    public async Task A_chunked_body_with_broken_framing_is_a_400_not_blamed_on_the_upstream()
    {
        // Streamed upstream by SocketsHttpHandler, the body broke inside it and came out as an upstream
        // failure: a 502, counted against a healthy endpoint. It is the client's fault.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(Mesh.GatewayUri,
            "POST / HTTP/1.1\r\nHost: smiley.faces\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello, not the end of a chunk\r\n0\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("a body that could not be read", answer);
        await StillServesAsync();
    }

    [Theory]
    [InlineData("", 404)] // No route: the lean front answers without reading the body.
    [InlineData("Bad Header: x\r\n", 400)] // Handed to Kestrel, which refuses the head.
    public async Task A_client_still_uploading_when_it_is_answered_gets_the_answer_not_a_reset(string field, int status)
    {
        // Answered without its body being read, the connection ends. Closed at once with the upload still
        // arriving, the socket was reset under the client: its sends failed and the answer was at risk. Both
        // fronts now linger, dropping what comes, until the client is done.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /upload HTTP/1.1\r\nHost: nowhere.example\r\nContent-Length: 100000000\r\n{field}\r\n"));
        var answer = ReadToEndAsync(socket);
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < 200; i++)
        {
            await socket.SendAsync(chunk); // Throws on a reset.
        }
        socket.Shutdown(SocketShutdown.Send);

        Assert.StartsWith($"HTTP/1.1 {status} ", await answer);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_client_that_sends_headers_too_slowly_is_cut_off_while_others_are_served()
    {
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await slow.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
        await slow.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: smiley.faces\r\n"), SocketFlags.None);

        await StillServesAsync();
        var buffer = new byte[1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await slow.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, received);
        Assert.True(received == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), $"expected 408 or a close, got '{answer}'");
    }

    [Fact]
    public async Task A_client_that_sends_the_h2c_preface_too_slowly_is_cut_off()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
        await socket.SendAsync("PRI * HTTP/2.0\r\n"u8.ToArray(), SocketFlags.None);

        // The header timeout here is 1 s: the rest of the preface never comes, and the connection must end well before 10 s.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ended = await Record.ExceptionAsync(async () =>
        {
            while (await socket.ReceiveAsync(new byte[64], SocketFlags.None, deadline.Token) > 0)
            {
            }
        });
        Assert.True(ended is null or SocketException, $"the connection was not ended: {ended}");
        await StillServesAsync();
    }

    [Fact]
    public async Task Abrupt_resets_mid_request_leave_the_proxy_serving()
    {
        for (var i = 0; i < 20; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: smiley.faces\r\nContent-Length: 100000\r\n\r\npartial"), SocketFlags.None);
            socket.LingerState = new LingerOption(true, 0); // Close with RST.
            socket.Close();
        }
        await StillServesAsync();
    }

    [Fact]
    public async Task An_h2c_upgrade_is_never_passed_on_so_no_tunnel_can_skip_the_routes()
    {
        // "h2c smuggling": a backend that switched would take every later request of the client, unrouted.
        const string upgrade = "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n";
        var answer = Assert.Single(await RawHttp.ResponsesAsync(Mesh.GatewayUri,
            $"GET /plain HTTP/1.1\r\nHost: smiley.faces\r\n{upgrade}X-Kept: yes\r\nConnection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200 ", answer);
        var echoed = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains("\"x-kept\"", echoed); // The echo lists what reached the backend:
        Assert.DoesNotContain("upgrade", echoed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http2-settings", echoed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"connection\"", echoed, StringComparison.OrdinalIgnoreCase);
        await StillServesAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n")]
    [InlineData("Upgrade: websocket\r\nConnection: Upgrade\r\n")]
    public async Task OPTIONS_star_is_forwarded_in_asterisk_form_whatever_upgrade_it_asks_for(string upgrade)
    {
        // It once went the upgrade's way, through SocketsHttpHandler, which cannot send "*": a 500.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(Mesh.GatewayUri,
            $"OPTIONS * HTTP/1.1\r\nHost: smiley.faces\r\n{upgrade}Connection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200 ", answer);
        Assert.Contains("\"path\":\"*\"", answer);
        await StillServesAsync();
    }

    [Theory]
    [InlineData("HTTPc1.1")]
    [InlineData("HTTP/1.x")]
    [InlineData("http/1.1")]
    [InlineData("HTTP/1.1.")]
    public async Task A_version_that_is_not_one_is_a_400_also_after_a_good_request(string version)
    {
        // Kestrel answers these 505, a server error, where RFC 9112 asks for 400.
        Assert.Equal(400, await RawHttp.StatusAsync(Mesh.GatewayUri, $"GET / {version}\r\nHost: smiley.faces\r\n\r\n"));
        var answers = await RawHttp.ResponsesAsync(Mesh.GatewayUri,
            $"GET / HTTP/1.1\r\nHost: smiley.faces\r\n\r\nGET / {version}\r\nHost: smiley.faces\r\n\r\n");
        Assert.Equal(["200", "400"], answers.Select(a => a[9..12]));
        Assert.Contains("the version is not HTTP/digit.digit", answers[1]);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_request_line_in_pieces_is_judged_whole_so_a_version_that_is_not_one_is_still_a_400()
    {
        // The front handed Kestrel any head whose request-line had not all come, and Kestrel answered 505.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
        await socket.SendAsync("GET / HT"u8.ToArray(), SocketFlags.None);
        await Task.Delay(200);
        await socket.SendAsync("Tc1.1\r\nHost: smiley.faces\r\n\r\n"u8.ToArray(), SocketFlags.None);

        var buffer = new byte[1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, received));
        await StillServesAsync();
    }

    [Fact]
    public async Task A_request_line_that_never_ends_gets_408_within_the_header_timeout()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port));
        await socket.SendAsync("GET /and-then-noth"u8.ToArray(), SocketFlags.None);

        // The header timeout here is 1 s.
        var buffer = new byte[1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(buffer, 0, received));
        await StillServesAsync();
    }

    [Fact]
    public async Task Bytes_that_cannot_start_a_request_and_a_line_cut_short_by_a_FIN_get_400_at_once()
    {
        // A TLS ClientHello on the plaintext port: no method starts with 0x16, so no request-line is waited for.
        Assert.Equal(400, await RawHttp.StatusAsync(Mesh.GatewayUri, "\u0016\u0003\u0001\u0002\u0000\u0001"));
        // Part of a line, then the client's FIN: Kestrel is handed what came, and refuses it.
        var answer = Assert.Single(await RawHttp.ResponsesAsync(Mesh.GatewayUri, "GET /cut", endSending: true));
        Assert.StartsWith("HTTP/1.1 400", answer);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_version_HTTP_does_not_serve_is_still_a_505()
    {
        Assert.Equal(505, await RawHttp.StatusAsync(Mesh.GatewayUri, "GET / HTTP/2.5\r\nHost: smiley.faces\r\n\r\n"));
        await StillServesAsync();
    }

    [Fact]
    public async Task Garbage_is_a_400()
    {
        Assert.Equal(400, await RawHttp.StatusAsync(Mesh.GatewayUri, "\x16\x03\x01 this is not http\r\n\r\n"));
        Assert.Equal(400, await RawHttp.StatusAsync(Mesh.GatewayUri, "GET / HTTP/1.1\r\nHost: smiley.faces\r\nBad Header Line\r\n\r\n"));
        await StillServesAsync();
    }

    [Fact]
    public async Task Expect_100_continue_gets_its_interim_answer_before_the_body_is_sent()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Mesh.GatewayUri.Port), deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /upload HTTP/1.1\r\nHost: smiley.faces\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"), SocketFlags.None, deadline.Token);

        var interim = await ReadUntilAsync(socket, "\r\n\r\n", deadline.Token);
        Assert.StartsWith("HTTP/1.1 100 Continue", interim);

        await socket.SendAsync(Encoding.ASCII.GetBytes("hello"), SocketFlags.None, deadline.Token);
        var final = await ReadUntilAsync(socket, "\"pod\"", deadline.Token);
        Assert.StartsWith("HTTP/1.1 200", final);
        Assert.Contains("\"method\":\"POST\"", final);
    }

    /// <summary>Everything until the server closes (a reset fails it).</summary>
    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static async Task<string> ReadUntilAsync(Socket socket, string marker, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                break;
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }
}
