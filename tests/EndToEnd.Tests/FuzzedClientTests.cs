using System.Text;
using Mesh.EndToEnd.Tests.Support;
using Mesh.EndToEnd.Tests.Support.Fuzz;
using Mesh.TestSupport.Fuzz;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>A mesh for the fuzzed clients: heads that never end are cut after one second.</summary>
public sealed class FuzzMesh : IAsyncLifetime
{
    public DemoMesh Mesh { get; } = DemoMesh.WithGateway(options => options.HeaderTimeoutSeconds = 1);

    public Task InitializeAsync() => Mesh.InitializeAsync();

    public Task DisposeAsync() => Mesh.DisposeAsync();
}

/// <summary>
/// Requests and h2c connections broken at random, from a fixed seed: each gets its answers or its close in
/// time, none is answered with a server error (the fault is the client's, so 4xx, or a reset or GOAWAY over
/// HTTP/2; see <see cref="IsServerError"/>), and the proxy serves a well-behaved client between them.
/// MESH_FUZZ_CASES and MESH_FUZZ_SEED run more, or others, and MESH_FUZZ_LOG writes every case to a file;
/// a failure quotes the input that caused it.
/// </summary>
public sealed class FuzzedClientTests(FuzzMesh fixture, ITestOutputHelper output) : IClassFixture<FuzzMesh>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private DemoMesh Mesh => fixture.Mesh;

    private const string First = "GET /fuzz-first HTTP/1.1\r\nHost: smiley.faces\r\n\r\n";
    private const string Last = "GET /fuzz-last HTTP/1.1\r\nHost: smiley.faces\r\nConnection: close\r\n\r\n";

    private const uint InternalError = 0x2;

    private const string Probe = "GET /fuzz-probe HTTP/1.1\r\nHost: smiley.faces\r\nConnection: close\r\n\r\n";

    /// <param name="mode">
    /// "http1": a broken request alone; "http1-between": after a valid request on the same connection and
    /// before another, the client keeping its side open, so that the first must be answered as sent
    /// whatever follows, and the last, if it is answered at all, last; "h2c": a broken connection.
    /// </param>
    [Theory]
    [InlineData("http1")]
    [InlineData("http1-between")]
    [InlineData("h2c")]
    public async Task Broken_input_gets_a_client_error_or_a_close_in_time_and_the_proxy_serves_on(string mode)
    {
        var http2 = mode == "h2c";
        var run = new FuzzTally<string>(150, seedOffset: http2 ? 1 : mode == "http1" ? 0 : 2);
        using var log = Environment.GetEnvironmentVariable("MESH_FUZZ_LOG") is { Length: > 0 } path ? File.CreateText($"{path}.{mode}") : null;
        foreach (var i in run.CaseNumbers())
        {
            var input = http2 ? Http2Inputs.Next(run.Random) : Http1Inputs.Next(run.Random);
            if (mode == "http1-between")
            {
                input = [.. Encoding.ASCII.GetBytes(First), .. input, .. Encoding.ASCII.GetBytes(Last)];
            }
            var outcome = await FuzzExchange.RunAsync(Mesh.GatewayUri, input, http2, run.Random, Deadline, endSending: mode != "http1-between",
                probe: mode == "http1-between" ? Encoding.ASCII.GetBytes(Probe) : null);
            var key = outcome.Hung ? "hung" : $"[{string.Join(" ", outcome.Statuses)}]{(outcome.GoAwayCode is { } code ? $" GOAWAY {code}" : "")}"
                + $"{(outcome.ResetCodes is { Count: > 0 } resets ? $" RST {string.Join(" ", resets.Distinct().Order())}" : "")}{(outcome.Probed ? " probed" : "")}";
            run.Saw(key);
            log?.WriteLine($"{i}\t{key}\t{outcome.Took.TotalMilliseconds:F0}\t{FuzzRun.Quote(input)}");
            var disorder = mode == "http1-between" ? OutOfOrder(outcome.Text) : null;
            // INTERNAL_ERROR, in a GOAWAY or an RST_STREAM, blames the server, as a 5xx does.
            var internalError = outcome.GoAwayCode == InternalError || outcome.ResetCodes?.Contains(InternalError) == true;
            if (outcome.Hung || outcome.Statuses.Any(IsServerError) || internalError || disorder is not null)
            {
                run.Failed(i, $"{outcome}{(disorder is null ? "" : $", {disorder}")} for {FuzzRun.Quote(input)}");
            }
            if (i % 50 == 49)
            {
                await StillServesAsync();
            }
        }
        await StillServesAsync();
        run.Report(output);
    }

    /// <summary>Why the answers around a broken request are not the valid requests' own, in order; or null.</summary>
    private static string? OutOfOrder(string text)
    {
        // A status line starts each answer; the echo's JSON holds "HTTP/1.1" only before a quote.
        var second = text.Length > 1 ? text.IndexOf("HTTP/1.1 ", 1, StringComparison.Ordinal) : -1;
        var first = second < 0 ? text : text[..second];
        if (!first.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) || !first.Contains("\"path\":\"/fuzz-first\"", StringComparison.Ordinal))
        {
            return "the first request was not answered first, as sent";
        }
        var last = text.IndexOf("\"path\":\"/fuzz-last\"", StringComparison.Ordinal);
        return last >= 0 && text.IndexOf("HTTP/1.1 ", last, StringComparison.Ordinal) >= 0 ? "an answer after the last request's" : null;
    }

    /// <summary>
    /// A 5xx blames the proxy or the upstream for what the client broke. 505 is the exception: the lean front
    /// answers a version that is not one ("HTTPc1.1") with 400, as RFC 9112 asks, but on a connection Kestrel
    /// serves (handed over for an earlier request) Kestrel answers it 505.
    /// </summary>
    private static bool IsServerError(int status) => status >= 500 && status != 505;

    private async Task StillServesAsync()
    {
        using var client = await Mesh.ClientInDeploymentAsync("slow-clients", "slow-client");
        Assert.Equal(200, (await client.EchoAsync("http://smiley.faces/")).Status);
    }
}
