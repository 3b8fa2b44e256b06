using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// A response read by <see cref="Http1Client"/>: its head is parsed, its body still on the connection.
/// Relaying streams the body by its framing (Content-Length, chunked, or to the close) and hands the
/// connection back to its pool when the exchange ended cleanly.
/// </summary>
internal sealed class Http1Answer(Http1ConnectionPool pool, Http1Connection connection, bool isHead) : IUpstreamAnswer
{
    private const int MaxChunkLine = 4 * 1024;

    private bool _released;

    public int EquivalentStatus => connection.Response.Status;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RelayAsync(HttpContext context, ForwardPlan plan, CancellationToken ct)
    {
        var head = connection.Response;
        var outgoing = context.Response;
        if (!TryStartResponse(head, outgoing, plan))
        {
            Release(reusable: false);
            await ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway, $"upstream {connection.Endpoint} sent a head that cannot be relayed")
                .ConfigureAwait(false);
            return;
        }
        var reusable = false;
        try
        {
            var complete = head.Framing(isHead) switch
            {
                BodyFraming.None => true,
                BodyFraming.ContentLength => await RelayExactlyAsync(outgoing, head.ContentLength!.Value, ct, endsResponse: true).ConfigureAwait(false),
                BodyFraming.Chunked => await RelayChunkedAsync(outgoing, ct).ConfigureAwait(false),
                _ => await RelayToCloseAsync(outgoing.BodyWriter, ct).ConfigureAwait(false),
            };
            reusable = complete && head.KeepsConnection(isHead) && !connection.HasUnreadBytes;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // The upstream or the client broke mid-body, the request timeout ran out, or the server refused
            // a trailer: the response has started, so end it abruptly for the client to see.
            context.Abort();
        }
        finally
        {
            Release(reusable);
        }
    }

    /// <summary>Status and headers onto the client's response; false when the server refuses one of them (before anything was sent).</summary>
    private bool TryStartResponse(ResponseHead head, HttpResponse outgoing, ForwardPlan plan)
    {
        try
        {
            outgoing.StatusCode = head.Status;
            CopyFields(head, outgoing.Headers);
            outgoing.ContentLength = head.ContentLengthToRelay(isHead);
            foreach (var modifier in plan.ResponseHeaders)
            {
                modifier.Apply(outgoing.Headers);
            }
            return true;
        }
        catch (InvalidOperationException)
        {
            outgoing.Headers.Clear();
            return false;
        }
    }

    /// <summary>Dropped unrelayed (a retried status): the connection is kept only if nothing of the body is left on it.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }
        var head = connection.Response;
        var framing = head.Framing(isHead);
        if (framing == BodyFraming.ContentLength && connection.Buffered.Length >= head.ContentLength)
        {
            connection.Consume((int)head.ContentLength!.Value);
            framing = BodyFraming.None;
        }
        Release(framing == BodyFraming.None && head.KeepsConnection(isHead) && !connection.HasUnreadBytes);
    }

    private void Release(bool reusable)
    {
        if (_released)
        {
            return;
        }
        _released = true;
        connection.Exchanges++;
        pool.Return(connection, reusable && connection.Reusable);
    }

    private static void CopyFields(ResponseHead head, IHeaderDictionary to)
    {
        var fields = head.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = fields[i];
            // Content-Length is set from the framing, never copied: a duplicate would read "5,5", and with
            // chunked framing an intermediary must drop it.
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsNamedBy(head.Connection, name)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (SeenBefore(fields, i, name))
            {
                to.Append(name, value);
            }
            else
            {
                to[name] = value; // Replaces what the server set by default (Date), as the upstream's answer wins.
            }
        }
    }

    private static bool SeenBefore(List<KeyValuePair<string, string>> fields, int index, string name)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(fields[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <param name="endsResponse">
    /// The body is the whole response: its last piece is written with the response's end (over HTTP/2
    /// one DATA frame with END_STREAM instead of a DATA frame and an empty one, each its own write).
    /// </param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> RelayExactlyAsync(HttpResponse outgoing, long length, CancellationToken ct, bool endsResponse = false)
    {
        var to = outgoing.BodyWriter;
        while (length > 0)
        {
            if (connection.Buffered.IsEmpty && await connection.FillAsync(Http1Client.MaxResponseHeadBytes, ct).ConfigureAwait(false) == 0)
            {
                throw new HttpRequestException(HttpRequestError.ResponseEnded, $"{connection.Endpoint} ended the response before its length");
            }
            var take = (int)Math.Min(connection.Buffered.Length, length);
            if (endsResponse && take == length)
            {
                to.Write(connection.Buffered[..take]);
                connection.Consume(take);
                // Completing (rather than leaving it to the server) also flushes a writer that wraps a
                // replaced Response.Body, as the access log's byte counter does.
                await outgoing.CompleteAsync().ConfigureAwait(false);
                return true;
            }
            var sent = to.WriteAsync(connection.BufferedMemory[..take], ct); // Copies before it awaits the flush.
            connection.Consume(take);
            length -= take;
            if (!await ClientStillThereAsync(sent).ConfigureAwait(false))
            {
                return false;
            }
        }
        return true;
    }

    private async Task<bool> RelayToCloseAsync(PipeWriter to, CancellationToken ct)
    {
        while (true)
        {
            if (connection.Buffered.IsEmpty && await connection.FillAsync(Http1Client.MaxResponseHeadBytes, ct).ConfigureAwait(false) == 0)
            {
                return false; // The end of this body is the end of the connection.
            }
            var take = connection.Buffered.Length;
            var sent = to.WriteAsync(connection.BufferedMemory, ct);
            connection.Consume(take);
            if (!await ClientStillThereAsync(sent).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    /// <summary>Chunked (RFC 9112 §7.1): the chunks' data is relayed (the client's side frames it anew), then any trailer fields.</summary>
    private async Task<bool> RelayChunkedAsync(HttpResponse outgoing, CancellationToken ct)
    {
        while (true)
        {
            var size = await ReadChunkSizeAsync(ct).ConfigureAwait(false);
            if (size == 0)
            {
                await RelayTrailersAsync(outgoing, ct).ConfigureAwait(false);
                return true;
            }
            if (!await RelayExactlyAsync(outgoing, size, ct).ConfigureAwait(false))
            {
                return false;
            }
            while (connection.Buffered.Length < 2)
            {
                await FillOrThrowAsync(ct).ConfigureAwait(false);
            }
            if (!connection.Buffered.StartsWith("\r\n"u8))
            {
                throw Invalid("chunk data not followed by CRLF");
            }
            connection.Consume(2);
        }
    }

    private async Task<long> ReadChunkSizeAsync(CancellationToken ct)
    {
        int lineEnd;
        while ((lineEnd = connection.Buffered.IndexOf("\r\n"u8)) < 0)
        {
            if (connection.Buffered.Length > MaxChunkLine)
            {
                throw Invalid("chunk size line too long");
            }
            await FillOrThrowAsync(ct).ConfigureAwait(false);
        }
        var line = connection.Buffered[..lineEnd];
        var extension = line.IndexOf((byte)';');
        var digits = (extension < 0 ? line : line[..extension]).TrimEnd(" \t"u8);
        if (!digits.IsEmpty)
        {
            digits = digits.TrimStart((byte)'0') is { IsEmpty: true } ? digits[^1..] : digits.TrimStart((byte)'0');
        }
        if (digits.IsEmpty || digits.Length > 15)
        {
            throw Invalid("bad chunk size");
        }
        long size = 0;
        foreach (var b in digits)
        {
            var value = HexValue(b);
            if (value < 0)
            {
                throw Invalid("bad chunk size");
            }
            size = (size << 4) | (uint)value;
        }
        connection.Consume(lineEnd + 2);
        return size;
    }

    private async Task RelayTrailersAsync(HttpResponse outgoing, CancellationToken ct)
    {
        var trailers = new List<KeyValuePair<string, string>>();
        int taken;
        while ((taken = ResponseHeadParser.TryParseTrailers(connection.Buffered, trailers)) == 0)
        {
            if (connection.Buffered.Length > Http1Client.MaxResponseHeadBytes)
            {
                throw Invalid("trailer section too large");
            }
            await FillOrThrowAsync(ct).ConfigureAwait(false);
        }
        connection.Consume(taken);
        // HTTP/1.1 clients cannot take trailers from Kestrel; HTTP/2 clients (gRPC) get them.
        if (trailers.Count > 0 && outgoing.SupportsTrailers())
        {
            foreach (var (name, value) in trailers)
            {
                if (!HopByHopHeaders.IsHopByHop(name))
                {
                    outgoing.AppendTrailer(name, value);
                }
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillOrThrowAsync(CancellationToken ct)
    {
        if (await connection.FillAsync(Http1Client.MaxResponseHeadBytes, ct).ConfigureAwait(false) == 0)
        {
            throw new HttpRequestException(HttpRequestError.ResponseEnded, $"{connection.Endpoint} ended a chunked response early");
        }
    }

    private static async ValueTask<bool> ClientStillThereAsync(ValueTask<FlushResult> flush)
    {
        var result = await flush.ConfigureAwait(false);
        return !result.IsCanceled && !result.IsCompleted;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static HttpRequestException Invalid(string what) => new(HttpRequestError.InvalidResponse, $"upstream sent an invalid response: {what}");
}
