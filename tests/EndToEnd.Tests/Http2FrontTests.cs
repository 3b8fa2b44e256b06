using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Mesh.EndToEnd.Tests.Support.RawHttp2;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The lean front's own HTTP/2 (h2c with prior knowledge) on the traffic port, frame by frame: settings,
/// streams side by side, flow control both ways, and the errors RFC 9113 names, each ending only its
/// stream or, where the RFC says so, the connection with GOAWAY.
/// </summary>
public sealed class Http2FrontTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task Settings_are_exchanged_and_pings_answered()
    {
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        var settings = await client.ReadUntilAsync(f => f.Type == Settings && f.Flags == 0);
        var values = Enumerable.Range(0, settings!.Payload.Length / 6)
            .ToDictionary(i => BinaryPrimitives.ReadUInt16BigEndian(settings.Payload.AsSpan(i * 6)), i => BinaryPrimitives.ReadUInt32BigEndian(settings.Payload.AsSpan(i * 6 + 2)));
        Assert.Equal(100u, values[0x3]); // SETTINGS_MAX_CONCURRENT_STREAMS
        Assert.Equal(768u * 1024, values[0x4]); // SETTINGS_INITIAL_WINDOW_SIZE
        Assert.NotNull(await client.ReadUntilAsync(f => f.Type == Settings && f.Flags == Ack));

        await client.SendAsync(Ping, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]);
        var pong = await client.ReadUntilAsync(f => f.Type == Ping);
        Assert.Equal(Ack, pong!.Flags);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], pong.Payload);
    }

    [Fact]
    public async Task Streams_side_by_side_are_each_answered_with_their_own_request()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: true, [.. Get("/one"), ("x-tag", "a")]);
        await client.SendHeadersAsync(3, endStream: true, [.. Get("/two?q=1"), ("x-tag", "b"), ("cookie", "a=1"), ("cookie", "b=2")]);
        await client.SendHeadersAsync(5, endStream: true, [.. Get("/three"), ("x-tag", "b")]);
        var answers = new Dictionary<int, Answer>();
        foreach (var stream in new[] { 1, 3, 5 })
        {
            answers[stream] = await client.ReadAnswerAsync(stream);
        }

        Assert.All(answers.Values, a => Assert.Equal("200", a.Status));
        Assert.All(answers.Values, a => Assert.NotNull(a.Field("date")));
        Assert.Contains("\"path\":\"/one\"", answers[1].Text);
        Assert.Contains("\"x-tag\":[\"a\"]", answers[1].Text);
        Assert.Contains("\"path\":\"/two?q=1\"", answers[3].Text);
        Assert.Contains("\"x-tag\":[\"b\"]", answers[3].Text);
        Assert.Contains("\"cookie\":[\"a=1; b=2\"]", answers[3].Text); // RFC 9113 §8.2.3: joined for HTTP/1.1.
        Assert.Contains("\"path\":\"/three\"", answers[5].Text);
        Assert.Equal(answers[1].Field("content-length"), answers[1].Body.Length.ToString(CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, (string, string)[]> MalformedRequests => new()
    {
        { "an uppercase field name", [.. Get("/"), ("X-Upper", "1")] },
        { "a connection-specific field", [.. Get("/"), ("connection", "keep-alive")] },
        { "TE other than trailers", [.. Get("/"), ("te", "gzip")] },
        { "no :path", [(":method", "GET"), (":scheme", "http"), (":authority", "smiley.faces")] },
        { "a pseudo-header after a field", [(":method", "GET"), (":scheme", "http"), ("x-a", "1"), (":path", "/")] },
        { "a response pseudo-header", [.. Get("/"), (":status", "200")] },
        { "a value with a line break", [.. Get("/"), ("x-a", "1\r\nx-b: 2")] },
        { "a content-length on a request without body", [.. Get("/"), ("content-length", "5")] },
        { "a method that is not a token", [(":method", "GET /admin"), (":scheme", "http"), (":path", "/"), (":authority", "smiley.faces")] },
        { "a path with a space", [(":method", "GET"), (":scheme", "http"), (":path", "/a b"), (":authority", "smiley.faces")] },
        { "a path with a line break", [(":method", "GET"), (":scheme", "http"), (":path", "/a\r\nx: y"), (":authority", "smiley.faces")] },
        { "a scheme that is not one", [(":method", "GET"), (":scheme", "ht tp"), (":path", "/"), (":authority", "smiley.faces")] },
        // A fragment is no part of a target; routed as "/admin#", it would have reached the backend as "/admin".
        { "a path with a fragment", [(":method", "GET"), (":scheme", "http"), (":path", "/admin#x"), (":authority", "smiley.faces")] },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_malformed_request_resets_its_stream_and_the_connection_serves_the_next(string what, (string, string)[] fields)
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: true, fields);
        var refused = await client.ReadAnswerAsync(1);
        await client.SendHeadersAsync(3, endStream: true, Get("/after"));
        var next = await client.ReadAnswerAsync(3);

        Assert.True(refused.Ended is { Type: RstStream, ErrorCode: 0x1 }, $"{what}: stream 1 was not reset with PROTOCOL_ERROR");
        Assert.Equal("200", next.Status);
        Assert.Contains("\"path\":\"/after\"", next.Text);
    }

    [Fact]
    public async Task A_client_that_stops_reading_has_its_connection_ended_not_held_for_ever()
    {
        await SmileyServesAsync();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, mesh.GatewayUri.Port));

        // The preface, empty SETTINGS, then PINGs, whose ACKs are never read: the answers fill the socket buffers
        // until the front's sends wait on the client. Before, they waited for ever, and so did the connection.
        byte[] ping = [0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
        var flood = new byte[ping.Length * 4096];
        for (var i = 0; i < 4096; i++)
        {
            ping.CopyTo(flood, i * ping.Length);
        }
        await socket.SendAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray().Concat(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }).ToArray(), System.Net.Sockets.SocketFlags.None);
        using (var sending = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                while (true)
                {
                    await socket.SendAsync(flood, System.Net.Sockets.SocketFlags.None, sending.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Both sides' buffers are full: the front has stopped reading, as it waits to send.
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(15)); // Kestrel's rule: a send may wait 5 s, and a second more per 240 bytes.

        // Ended: what it had sent can be read, then the end. Still open: reading lets it go on, and no end comes.
        var buffer = new byte[64 * 1024];
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ended = false;
        try
        {
            while (await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, reading.Token) > 0)
            {
            }
            ended = true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            ended = true; // Reset.
        }
        catch (OperationCanceledException)
        {
        }
        Assert.True(ended, "the connection of a client that stopped reading was still open");
    }

    [Fact]
    public async Task A_lowercase_method_is_forwarded_as_sent_not_read_as_its_uppercase_namesake()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: true, Get("/cased", method: "head"));
        var answer = await client.ReadAnswerAsync(1);

        Assert.Equal("200", answer.Status);
        Assert.Contains("\"method\":\"head\"", answer.Text); // The body a HEAD answer would not have.
    }

    [Fact]
    public async Task A_frame_beyond_the_maximum_size_ends_the_connection_with_FRAME_SIZE_ERROR()
    {
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendAsync(0xfa, 0, 0, new byte[16 * 1024 + 1]); // Even a frame type the server ignores.

        var goAway = await client.ReadUntilAsync(f => f.Type == GoAway);
        Assert.Equal(0x6u, goAway!.ErrorCode);
        Assert.Null(await client.ReadFrameAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(23)]
    public async Task A_preface_in_pieces_gets_the_same_HTTP2_as_a_whole_one(int splitAt)
    {
        // Once handed to Kestrel's HTTP/2, which answered this broken frame with INTERNAL_ERROR.
        await using (var broken = await RawHttp2.ConnectAsync(mesh.GatewayUri, splitAt))
        {
            // HEADERS, padded and with a priority, whose 6 bytes cannot hold pad length, priority and 3 bytes of padding.
            await broken.SendAsync(Headers, EndStream | EndHeaders | 0x8 | 0x20, 1, [3, 0, 0, 0, 0, 16]);

            var goAway = await broken.ReadUntilAsync(f => f.Type == GoAway);
            Assert.Equal(0x6u, goAway!.ErrorCode); // FRAME_SIZE_ERROR: too small for its own fields (RFC 9113 §4.2).
        }

        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri, splitAt);
        await client.SendHeadersAsync(1, endStream: true, Get("/pieces"));
        Assert.Equal("200", (await client.ReadAnswerAsync(1)).Status);
    }

    [Fact]
    public async Task HEADERS_on_a_stream_a_client_cannot_open_ends_the_connection_with_PROTOCOL_ERROR()
    {
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(2, endStream: true, Get("/"));

        var goAway = await client.ReadUntilAsync(f => f.Type == GoAway);
        Assert.Equal(0x1u, goAway!.ErrorCode);
    }

    [Theory]
    [InlineData(3)] // Below one already used: never opened, and never can be (RFC 9113 §5.1.1).
    [InlineData(5)] // The stream just answered and closed.
    public async Task HEADERS_on_a_closed_stream_resets_it_rather_than_leave_its_request_waiting(int streamId)
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        await client.SendHeadersAsync(5, endStream: true, Get("/five"));
        Assert.Equal("200", (await client.ReadAnswerAsync(5)).Status);

        await client.SendHeadersAsync(streamId, endStream: true, Get("/again"));

        var reset = await client.ReadUntilAsync(f => f.Type == RstStream && f.Stream == streamId);
        Assert.Equal(0x5u, BinaryPrimitives.ReadUInt32BigEndian(reset!.Payload)); // STREAM_CLOSED.
        await client.SendHeadersAsync(7, endStream: true, Get("/after"));
        Assert.Equal("200", (await client.ReadAnswerAsync(7)).Status);
    }

    [Fact]
    public async Task A_client_that_shrinks_its_header_table_gets_a_size_update_first_in_the_next_block()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendAsync(Settings, 0, 0, [0, 1, 0, 0, 0, 0]); // SETTINGS_HEADER_TABLE_SIZE = 0.
        await client.SendHeadersAsync(1, endStream: true, Get("/shrunk"));
        await client.SendHeadersAsync(3, endStream: true, Get("/after"));

        // RFC 7541 §4.2: the first block after the change starts with a dynamic table size update; nghttp2 (curl,
        // h2load) refuses the block without one. Only the first: the next block starts with :status.
        var first = await client.ReadUntilAsync(f => f.Type == Headers);
        Assert.Equal(0x20, first!.Payload[0] & 0xe0);
        var second = await client.ReadUntilAsync(f => f.Type == Headers);
        Assert.Equal(0x80, second!.Payload[0] & 0x80);
    }

    [Fact]
    public async Task A_client_refused_stream_after_stream_is_told_to_calm_down()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        await client.SendAsync(Settings, Ack, 0, []); // It has the server's limits: refusals count from here.

        // 100 streams held open by a slow answer fill the table; every later one is refused. Rapid reset gets there
        // with streams it reset itself; each refused one was still decoded, for as long as the client liked.
        var streamId = 1;
        for (var i = 0; i < 100; i++, streamId += 2)
        {
            await client.SendHeadersAsync(streamId, endStream: true, [.. Get("/slow"), ("x-echo-delay-ms", "3000")]);
        }
        for (var i = 0; i < 250; i++, streamId += 2)
        {
            await client.SendHeadersAsync(streamId, endStream: true, Get("/refused"));
        }

        var goAway = await client.ReadUntilAsync(f => f.Type == GoAway);
        Assert.Equal(0xbu, goAway!.ErrorCode); // ENHANCE_YOUR_CALM.
    }

    [Fact]
    public async Task Endless_empty_CONTINUATION_frames_end_the_connection()
    {
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        var block = Block(Get("/"));

        // A header block never ended: empty CONTINUATIONs do not grow it, and nothing else is read while it is open.
        await client.SendAsync(Headers, EndStream, 1, block);
        for (var i = 0; i < 200; i++)
        {
            await client.SendAsync(Continuation, 0, 1, []);
        }

        var goAway = await client.ReadUntilAsync(f => f.Type == GoAway);
        Assert.Equal(0xbu, goAway!.ErrorCode); // ENHANCE_YOUR_CALM.
    }

    [Fact]
    public async Task DATA_on_a_closed_stream_resets_it_and_the_connection_carries_on()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        await client.SendHeadersAsync(1, endStream: true, Get("/done"));
        Assert.Equal("200", (await client.ReadAnswerAsync(1)).Status);

        await client.SendAsync(Data, 0, 1, [1, 2, 3]); // Stream 1 ended both ways: closed (RFC 9113 §6.1).

        var reset = await client.ReadUntilAsync(f => f.Type == RstStream && f.Stream == 1);
        Assert.Equal(0x5u, BinaryPrimitives.ReadUInt32BigEndian(reset!.Payload)); // STREAM_CLOSED.
        await client.SendHeadersAsync(3, endStream: true, Get("/after"));
        Assert.Equal("200", (await client.ReadAnswerAsync(3)).Status);
    }

    [Theory]
    [InlineData(RstStream, 2, new byte[] { 0, 0, 0, 8 }, 0x1u)] // An even stream: the server's to open, and it never does.
    [InlineData(WindowUpdate, 2, new byte[] { 0, 0, 0, 1 }, 0x1u)]
    [InlineData(GoAway, 0, new byte[0], 0x6u)] // Shorter than its last-stream and error fields.
    public async Task Frames_on_streams_never_opened_or_too_short_for_their_fields_end_the_connection(byte type, int streamId, byte[] payload, uint error)
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        await client.SendHeadersAsync(3, endStream: true, Get("/three"));
        Assert.Equal("200", (await client.ReadAnswerAsync(3)).Status);

        await client.SendAsync(type, 0, streamId, payload);

        var goAway = await client.ReadUntilAsync(f => f.Type == GoAway);
        Assert.Equal(error, goAway!.ErrorCode);
    }

    [Fact]
    public async Task A_header_block_beyond_the_header_list_limit_gets_431_and_the_connection_carries_on()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);
        var block = Block([.. Get("/big"), ("x-big", new string('a', 40 * 1024))]);

        // Beyond one frame: HEADERS, then CONTINUATION frames.
        await client.SendAsync(Headers, EndStream, 1, block[..16384]);
        await client.SendAsync(Continuation, 0, 1, block[16384..32768]);
        await client.SendAsync(Continuation, EndHeaders, 1, block[32768..]);

        await StreamOneGets431AndStreamThreeIsServedAsync(client, Get("/after"));
    }

    [Fact]
    public async Task More_fields_than_Kestrel_takes_get_431_and_the_connection_carries_on()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: true, [.. Get("/many"), .. Enumerable.Range(0, 101).Select(i => ($"x-f{i}", "v"))]);

        // The count is per request: 90 fields after 101 are fine.
        await StreamOneGets431AndStreamThreeIsServedAsync(client, [.. Get("/after"), .. Enumerable.Range(0, 90).Select(i => ($"x-f{i}", "v"))]);
    }

    private static async Task StreamOneGets431AndStreamThreeIsServedAsync(RawHttp2 client, (string, string)[] next)
    {
        var refused = await client.ReadAnswerAsync(1);
        await client.SendHeadersAsync(3, endStream: true, next);
        var served = await client.ReadAnswerAsync(3);

        Assert.Equal("431", refused.Status);
        Assert.Equal("200", served.Status);
    }

    [Fact]
    public async Task A_client_that_gives_no_window_loses_the_stream_after_Kestrels_grace()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri, (0x4, 0)); // SETTINGS_INITIAL_WINDOW_SIZE 0

        await client.SendHeadersAsync(1, endStream: true, Get("/starved"));
        var answer = await client.ReadAnswerAsync(1); // Headers come; DATA never can.

        Assert.Equal("200", answer.Status);
        Assert.True(answer.Ended is { Type: RstStream, ErrorCode: 0x8 }, "the stream was not reset with CANCEL");
        Assert.Empty(answer.DataFrames);
    }

    [Fact]
    public async Task A_client_that_stops_sending_its_body_loses_the_stream_after_Kestrels_grace()
    {
        await using var backend = await BodyEchoAsync((_, body) => body);
        await ServiceAsync("stalled", backend);
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: false, [.. Get("/upload", authority: "stalled.h2", method: "POST"), ("content-length", "100")]);
        await client.SendAsync(Data, 0, 1, "partial"u8.ToArray());
        var answer = await client.ReadAnswerAsync(1); // The rest never comes.

        Assert.True(answer.Ended is { Type: RstStream, ErrorCode: 0x8 }, "the stream was not reset with CANCEL");
    }

    [Fact]
    public async Task Window_updates_that_never_reach_the_stream_do_not_keep_it_alive()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri, (0x4, 0));

        await client.SendHeadersAsync(1, endStream: true, Get("/starved"));
        Assert.NotNull(await client.ReadUntilAsync(f => f.Stream == 1 && f.Type == Headers));
        // A byte of connection window every half second wakes the stream, which still cannot send.
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500);
                await client.SendAsync(WindowUpdate, 0, 0, [0, 0, 0, 1]);
            }
        });
        var answer = await client.ReadAnswerAsync(1);
        stop.Cancel();
        await trickle;

        Assert.True(answer.Ended is { Type: RstStream, ErrorCode: 0x8 }, "the stream was not reset with CANCEL");
    }

    [Fact]
    public async Task An_answer_waits_for_the_clients_flow_control_window()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri, (0x4, 16)); // SETTINGS_INITIAL_WINDOW_SIZE 16

        await client.SendHeadersAsync(1, endStream: true, Get("/window"));
        var head = await client.ReadUntilAsync(f => f.Stream == 1 && f.Type == Headers);
        var windowful = 0;
        while (windowful < 16)
        {
            var data = await client.ReadUntilAsync(f => f.Stream == 1 && f.Type == Data);
            windowful += data!.Payload.Length;
        }
        // The window is spent: a PING now is answered before any more of the body comes.
        await client.SendAsync(Ping, 0, 0, new byte[8]);
        var next = await client.ReadUntilAsync(f => (f.Stream == 1 && f.Type == Data) || f.Type == Ping);
        await client.SendAsync(WindowUpdate, 0, 1, [0, 1, 0, 0]);
        var rest = await client.ReadAnswerAsync(1);

        Assert.Equal(16, windowful);
        Assert.Equal(Ping, next!.Type);
        Assert.Contains("\"path\":\"/window\"", rest.Text);
        Assert.Null(rest.Ended);
    }

    [Fact]
    public async Task DATA_beyond_the_declared_content_length_resets_the_stream()
    {
        await SmileyServesAsync();
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: false, [.. Get("/post", method: "POST"), ("content-length", "3")]);
        await client.SendAsync(Data, EndStream, 1, "toolong"u8.ToArray());

        var answer = await client.ReadAnswerAsync(1);
        Assert.True(answer.Ended is { Type: RstStream, ErrorCode: 0x1 }, "the stream was not reset with PROTOCOL_ERROR");
    }

    [Fact]
    public async Task A_body_many_windows_long_reaches_the_backend_whole()
    {
        await using var backend = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
            await context.Response.WriteAsync($"{total} {Convert.ToHexString(hash.GetHashAndReset())}");
        }));
        await ServiceAsync("uploads", backend);
        var body = RandomNumberGenerator.GetBytes(5 * 1024 * 1024); // Several of the 768 KiB stream windows, and of the 1 MiB connection window.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.GatewayUri, "/upload"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Headers.Host = "uploads.h2";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{body.Length} {Convert.ToHexString(SHA256.HashData(body))}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streams_one_after_another_with_and_without_bodies_each_carry_only_their_own()
    {
        await using var backend = await BodyEchoAsync((method, body) => $"{method} [{body}]");
        await ServiceAsync("bodies", backend);
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        // One at a time, so each stream reuses the one before: a body, none, a body left unread by the
        // client's reset, none, and a body again.
        var answers = new List<string>();
        async Task PostAsync(int stream, string body)
        {
            await client.SendHeadersAsync(stream, endStream: false, [.. Get("/", authority: "bodies.h2", method: "POST"), ("content-length", body.Length.ToString(CultureInfo.InvariantCulture))]);
            await client.SendAsync(Data, EndStream, stream, System.Text.Encoding.ASCII.GetBytes(body));
            answers.Add((await client.ReadAnswerAsync(stream)).Text);
        }
        async Task GetAsync(int stream)
        {
            await client.SendHeadersAsync(stream, endStream: true, Get("/", authority: "bodies.h2"));
            answers.Add((await client.ReadAnswerAsync(stream)).Text);
        }
        await PostAsync(1, "first");
        await GetAsync(3);
        await client.SendHeadersAsync(5, endStream: false, [.. Get("/", authority: "bodies.h2", method: "POST"), ("content-length", "100")]);
        await client.SendAsync(Data, 0, 5, "partial"u8.ToArray());
        await client.SendAsync(RstStream, 0, 5, [0, 0, 0, 0x8]); // CANCEL
        await GetAsync(7);
        await PostAsync(9, "second");

        Assert.Equal(["POST [first]", "GET []", "GET []", "POST [second]"], answers);
    }

    [Fact]
    public async Task Padding_is_given_back_to_the_stream_window_as_it_arrives()
    {
        await using var backend = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            var total = 0L;
            var buffer = new byte[4096];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }
            await context.Response.WriteAsync($"{total}");
        }));
        await ServiceAsync("padded", backend);
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        // 4,000 frames of one byte and 255 of padding: more than the 768 KiB stream window, unless the
        // padding is given back as it comes.
        await client.SendHeadersAsync(1, endStream: false, Get("/upload", authority: "padded.h2", method: "POST"));
        var frame = new byte[257];
        frame[0] = 255;
        frame[1] = (byte)'x';
        for (var i = 0; i < 4000; i++)
        {
            await client.SendAsync(Data, (byte)(0x8 | (i == 3999 ? EndStream : 0)), 1, frame);
        }
        var answer = await client.ReadAnswerAsync(1);

        Assert.Null(answer.Ended);
        Assert.Equal("4000", answer.Text);
    }

    [Fact]
    public async Task A_body_held_back_for_100_continue_is_asked_for()
    {
        await using var backend = await BodyEchoAsync((_, body) => $"got '{body}'");
        await ServiceAsync("continued", backend);
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: false, [.. Get("/upload", authority: "continued.h2", method: "POST"), ("expect", "100-continue")]);
        var interim = await client.ReadUntilAsync(f => f.Stream == 1);
        await client.SendAsync(Data, EndStream, 1, "held back"u8.ToArray());
        var answer = await client.ReadAnswerAsync(1);

        Assert.Equal(Headers, interim!.Type);
        Assert.Equal(0, interim.Flags & EndStream);
        Assert.Equal("200", answer.Status);
        Assert.Equal("got 'held back'", answer.Text);
    }

    [Fact]
    public async Task A_client_reset_aborts_the_request_upstream()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            if (context.Request.Path == "/ready")
            {
                return;
            }
            arrived.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        }));
        await ServiceAsync("slow", backend);
        await using var client = await RawHttp2.ConnectAsync(mesh.GatewayUri);

        await client.SendHeadersAsync(1, endStream: true, Get("/wait", authority: "slow.h2"));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.SendAsync(RstStream, 0, 1, [0, 0, 0, 0x8]); // CANCEL

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.SendAsync(Ping, 0, 0, new byte[8]);
        Assert.NotNull(await client.ReadUntilAsync(f => f.Type == Ping)); // The connection lives on.
    }

    /// <summary>A backend that reads the whole request body and answers what <paramref name="answer"/> makes of the method and the body.</summary>
    private static Task<WebApplication> BodyEchoAsync(Func<string, string, string> answer) =>
        LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync(answer(context.Request.Method, await reader.ReadToEndAsync()));
        }));

    private async Task ServiceAsync(string name, WebApplication backend)
    {
        await mesh.Api.ApplyNamespaceAsync("h2");
        await SelectorlessService.ApplyAsync(mesh.Api, "h2", name, [("127.0.0.1", LoopbackServer.Address(backend).Port)]);
        await Eventually.UntilAsync(async () => await RawHttp.StatusAsync(mesh.GatewayUri, $"GET /ready HTTP/1.1\r\nHost: {name}.h2\r\n\r\n") == 200,
            "the Service is in the gateway's tables");
    }

    private Task SmileyServesAsync() => Eventually.UntilAsync(
        async () => await RawHttp.StatusAsync(mesh.GatewayUri, "GET / HTTP/1.1\r\nHost: smiley.faces\r\n\r\n") == 200,
        "smiley.faces is in the gateway's tables");
}
