using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Gateway.Observability;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Tests;

/// <summary>The access log queues lines off the request path, drops and counts them when its writer falls behind.</summary>
public class AccessLogTests
{
    private static AccessLogEntry Entry(string path) => new(
        DateTimeOffset.UnixEpoch, "127.1.0.5", "GET", "smiley.faces", path, "HTTP/1.1", 200, 1.5,
        "faces/smiley", "faces/smiley-split", "faces/smiley-v1", "127.1.0.7:8080", 1, 42);

    /// <summary>A writer that holds every write until released, and says when the first one has begun.</summary>
    private sealed class GatedWriter : StringWriter
    {
        public TaskCompletionSource FirstWriteBegun { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task WriteAsync(string? value)
        {
            FirstWriteBegun.TrySetResult();
            await Released.Task;
            await base.WriteAsync(value);
        }
    }

    [Fact]
    public async Task Entries_beyond_the_queue_are_dropped_and_counted_while_the_writer_is_stuck()
    {
        var output = new GatedWriter();
        var dropped = new Counter();
        var log = new AccessLog(output, ownsOutput: false, capacity: 4, dropped);

        log.Write(Entry("/first"));
        await output.FirstWriteBegun.Task; // The writer holds /first and is stuck writing it.
        for (var i = 0; i < 7; i++)
        {
            log.Write(Entry($"/queued-{i}"));
        }

        Assert.Equal(3, dropped.Value); // Four fit in the queue; the other three are dropped at once.
        output.Released.SetResult();
        await log.DisposeAsync();
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["/first", "/queued-0", "/queued-1", "/queued-2", "/queued-3"], lines.Select(l => JsonNode.Parse(l)!["path"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Each_request_is_one_JSON_line_with_every_field()
    {
        var output = new StringWriter();
        var log = new AccessLog(output, ownsOutput: false, capacity: 16, new Counter());

        log.Write(Entry("/a?b=1"));
        await log.DisposeAsync();

        var line = JsonNode.Parse(output.ToString().TrimEnd('\n'))!.AsObject();
        Assert.Equal("1970-01-01T00:00:00.000Z", line["time"]!.GetValue<string>());
        Assert.Equal("127.1.0.5", line["client"]!.GetValue<string>());
        Assert.Equal("GET", line["method"]!.GetValue<string>());
        Assert.Equal("smiley.faces", line["authority"]!.GetValue<string>());
        Assert.Equal("/a?b=1", line["path"]!.GetValue<string>());
        Assert.Equal(200, line["status"]!.GetValue<int>());
        Assert.Equal(1.5, line["durationMs"]!.GetValue<double>());
        Assert.Equal("faces/smiley", line["service"]!.GetValue<string>());
        Assert.Equal("faces/smiley-split", line["route"]!.GetValue<string>());
        Assert.Equal("faces/smiley-v1", line["backend"]!.GetValue<string>());
        Assert.Equal("127.1.0.7:8080", line["endpoint"]!.GetValue<string>());
        Assert.Equal(1, line["attempts"]!.GetValue<int>());
        Assert.Equal(42, line["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_request_entry_counts_the_body_bytes_written_and_names_what_routing_chose()
    {
        var log = new AccessLog(new StringWriter(), ownsOutput: false, capacity: 16, new Counter());
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Host = new HostString("smiley.faces");
        context.Request.Path = "/order";
        context.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:127.1.0.5");
        var body = new MemoryStream();
        context.Response.Body = body;

        var counter = log.Begin(context)!;
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("hello"));
        context.Response.Body.Write(Encoding.UTF8.GetBytes(" world"));
        var labels = new RequestLabels { Service = "faces/smiley", Endpoint = new IPEndPoint(IPAddress.Parse("127.1.0.7"), 8080), Attempts = 2 };
        var entry = AccessLogEntry.Of(context, labels, counter.Count, TimeSpan.FromMilliseconds(3));
        await log.DisposeAsync();

        Assert.Equal("hello world", Encoding.UTF8.GetString(body.ToArray())); // Passed through untouched.
        Assert.Equal(11, entry.Bytes);
        Assert.Equal("127.1.0.5", entry.Client);
        Assert.Equal("smiley.faces", entry.Authority);
        Assert.Equal("127.1.0.7:8080", entry.Endpoint);
        Assert.Equal(2, entry.Attempts);
        Assert.Null(entry.Route); // Nothing matched a route: absent, not "".
    }

    [Theory]
    [InlineData("stdout")]
    [InlineData("-")]
    [InlineData("true")] // The bare flag, --access-log.
    public async Task The_flag_without_a_file_writes_to_stdout(string value)
    {
        await using var log = AccessLog.For(new GatewayOptions { AccessLog = value }, new GatewayMetrics(new Mesh.Gateway.Tables.TableHolder()));
        Assert.True(log.Enabled);
        Assert.False(File.Exists(value));
    }

    [Fact]
    public async Task Off_by_default_it_leaves_the_response_alone()
    {
        var log = AccessLog.For(new GatewayOptions(), new GatewayMetrics(new Mesh.Gateway.Tables.TableHolder()));
        var context = new DefaultHttpContext();
        var original = context.Response.Body;

        Assert.False(log.Enabled);
        Assert.Null(log.Begin(context));
        Assert.Same(original, context.Response.Body);
        await log.DisposeAsync();
    }
}
