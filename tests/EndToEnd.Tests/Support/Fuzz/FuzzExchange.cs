using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mesh.Gateway.Front.Http2;

namespace Mesh.EndToEnd.Tests.Support.Fuzz;

/// <summary>What the proxy did with one broken input: the statuses it answered, how HTTP/2 ended, and whether it let go in time.</summary>
/// <param name="Text">What came back, as Latin-1 text (HTTP/1.1 only).</param>
/// <param name="Probed">The proxy sat waiting for another request, and answered the probe sent then.</param>
/// <param name="ResetCodes">The error codes of the RST_STREAM frames the proxy sent (HTTP/2 only).</param>
public sealed record FuzzOutcome(bool Hung, IReadOnlyList<int> Statuses, uint? GoAwayCode, TimeSpan Took, string Text = "", bool Probed = false,
    IReadOnlyList<uint>? ResetCodes = null)
{
    public override string ToString() =>
        Hung ? $"no end after {Took.TotalSeconds:F1} s{(Probed ? ", nor after a probe" : "")}"
            : $"statuses [{string.Join(", ", Statuses)}], GOAWAY {GoAwayCode?.ToString() ?? "none"}"
              + $"{(ResetCodes is { Count: > 0 } resets ? $", RST_STREAM [{string.Join(", ", resets)}]" : "")}"
              + $"{(Probed ? ", waited for a request" : "")}, {Took.TotalMilliseconds:F0} ms";
}

/// <summary>
/// Sends one input to the proxy in a few pieces, closes the sending side (or not), and reads until the proxy
/// closes the connection, which must come within the deadline: the proxy's own timeouts are shorter.
/// </summary>
public static partial class FuzzExchange
{
    /// <param name="endSending">
    /// Close the sending side after the input, as a client that has said all it will. Kestrel, like nginx,
    /// reads that as the client going away and drops a request it has not answered yet; without it, the
    /// proxy's own timeouts end what is incomplete.
    /// </param>
    /// <param name="probe">
    /// Sent when the deadline comes with the connection still open and the sending side too: the input may
    /// have ended in complete requests (one that took a following request in as its trailer, say), after which
    /// the proxy rightly waits for another. It must then answer the probe, and close as it asks.
    /// </param>
    public static async Task<FuzzOutcome> RunAsync(Uri proxy, byte[] input, bool http2, Random random, TimeSpan deadline, bool endSending = true,
        byte[]? probe = null)
    {
        var clock = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(deadline);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), timeout.Token);
        var received = new MemoryStream();
        var reading = ReadAllAsync(socket, received, timeout.Token);
        try
        {
            var sent = 0;
            while (sent < input.Length)
            {
                var piece = random.Next(3) == 0 ? input.Length - sent : random.Next(1, input.Length - sent + 1);
                await socket.SendAsync(input.AsMemory(sent, piece), SocketFlags.None, timeout.Token);
                sent += piece;
                if (random.Next(4) == 0)
                {
                    await Task.Delay(random.Next(1, 4), timeout.Token);
                }
            }
            if (endSending)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // The proxy closed the connection before the input was all sent: an ending like any other.
        }
        catch (OperationCanceledException)
        {
        }
        var hung = !await reading;
        var probed = false;
        if (hung && probe is not null && !endSending)
        {
            probed = true;
            using var second = new CancellationTokenSource(deadline);
            try
            {
                await socket.SendAsync(probe, SocketFlags.None, second.Token);
                hung = !await ReadAllAsync(socket, received, second.Token);
            }
            catch (SocketException)
            {
                hung = false; // Closed meanwhile.
            }
        }
        var bytes = received.ToArray();
        return http2
            ? new FuzzOutcome(hung, Http2Statuses(bytes, out var goAway, out var resets), goAway, clock.Elapsed, Probed: probed, ResetCodes: resets)
            : new FuzzOutcome(hung, Http1Statuses(bytes), null, clock.Elapsed, Encoding.Latin1.GetString(bytes), probed);
    }

    /// <summary>True when the proxy closed (or reset) the connection, false when the deadline came first.</summary>
    private static async Task<bool> ReadAllAsync(Socket socket, MemoryStream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    return true;
                }
                to.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static List<int> Http1Statuses(byte[] bytes) =>
        [.. StatusLine().Matches(Encoding.Latin1.GetString(bytes)).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    // Anywhere: an answer follows the last one's body directly, and the echo's JSON has "HTTP/1.1" only before a quote.
    [GeneratedRegex(@"HTTP/1\.[01] (\d{3}) ")]
    private static partial Regex StatusLine();

    private static List<int> Http2Statuses(byte[] bytes, out uint? goAway, out List<uint> resets)
    {
        goAway = null;
        resets = [];
        var statuses = new List<int>();
        var decoder = new HpackDecoder();
        var at = 0;
        while (bytes.Length - at >= 9)
        {
            var length = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
            if (bytes.Length - at - 9 < length)
            {
                break;
            }
            var type = bytes[at + 3];
            var payload = bytes.AsSpan(at + 9, length);
            if (type == RawHttp2.Headers)
            {
                var status = new StatusSink();
                decoder.Decode(payload, status);
                if (status.Status is { } code)
                {
                    statuses.Add(code);
                }
            }
            else if (type == RawHttp2.RstStream && length == 4)
            {
                resets.Add(BinaryPrimitives.ReadUInt32BigEndian(payload));
            }
            else if (type == RawHttp2.GoAway && length >= 8)
            {
                goAway = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
            }
            at += 9 + length;
        }
        return statuses;
    }

    private sealed class StatusSink : IHpackFieldSink
    {
        public int? Status { get; private set; }

        public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            if (name.SequenceEqual(":status"u8) && int.TryParse(value, out var status))
            {
                Status = status;
            }
        }
    }
}
