using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;
using Mesh.Gateway.Balancing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The upstream client for the common case: a request without a streamed body, to an HTTP/1.1 endpoint.
/// It writes the request head straight from the incoming request and reads the response head into a
/// reused buffer, where SocketsHttpHandler builds request and response objects and header collections
/// for each exchange (measured in docs/performance.md). Everything else (h2c, upgrades, streamed request
/// bodies) goes through SocketsHttpHandler.
/// </summary>
public sealed class Http1Client : IDisposable
{
    internal const int MaxResponseHeadBytes = 64 * 1024;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A connection idle this long is closed (SocketsHttpHandler's PooledConnectionIdleTimeout was the same).</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPEndPoint, Http1ConnectionPool> _pools = new();
    private readonly Timer _sweeper;

    public Http1Client()
    {
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// True when this client can carry the request: HTTP/1.1 upstream, no upgrade, and a body that is
    /// absent, already read, or of a declared length (one of unknown length would need re-chunking).
    /// </summary>
    public static bool CanCarry(HttpContext context, bool useH2c, byte[]? bufferedBody)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !useH2c
            && (bufferedBody is not null || StreamedLength(context) is not -1)
            && !TunnelUpgrade.IsRequested(context);
    }

    /// <summary>The length of a body still to be read from the client: null when there is none, -1 when it is not declared.</summary>
    private static long? StreamedLength(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true ? context.Request.ContentLength ?? -1 : null;

    /// <summary>Idle connections held for <paramref name="endpoint"/>.</summary>
    public int IdleConnections(IPEndPoint endpoint) => _pools.TryGetValue(endpoint, out var pool) ? pool.IdleCount : 0;

    /// <summary>
    /// Sends the request and reads the response head. A pooled connection can still have been closed by
    /// the server an instant before it was used; when it ends without a byte of answer to a request with
    /// no body, the request cannot have been acted on twice, so it is sent once more on a new connection
    /// (SocketsHttpHandler's rule). A request with a body is never sent twice here: retries are the route's.
    /// </summary>
    /// <remarks>Pooled: a loop has hundreds of these calls waiting for their answers at once, each box a few hundred bytes.</remarks>
    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    internal async ValueTask<IUpstreamAnswer> SendAsync(HttpContext context, EndpointState endpoint, string authority, string pathAndQuery,
        byte[]? body, CancellationToken ct)
    {
        var isHead = RequestMethods.IsHead(context.Request.Method);
        var streamed = body is null ? StreamedLength(context) : null;
        var mayResend = body is null && streamed is null;
        var resending = false;
        while (true)
        {
            var (pool, connection) = await RentAsync(endpoint.Address, fresh: resending, ct).ConfigureAwait(false);
            var reused = connection.Exchanges > 0;
            var sentAnything = false;
            try
            {
                connection.BeginExchange();
                WriteHead(connection.Head, context, authority, pathAndQuery, body?.LongLength ?? streamed);
                sentAnything = true;
                await connection.SendAsync(connection.Head.Written, ct).ConfigureAwait(false);
                if (body is { Length: > 0 })
                {
                    await connection.SendAsync(body, ct).ConfigureAwait(false);
                }
                else if (streamed is { } length && !await SendBodyAsync(connection, context.Request.BodyReader, length, ct).ConfigureAwait(false))
                {
                    connection.KeepsNoMore(); // The upstream stopped taking the body: whatever it answered, the connection is done.
                }
                // The head is awaited here rather than in a helper, whose state machine would be one more
                // allocation for every request (the upstream has rarely answered yet).
                var searched = 0;
                while (!TryTakeFinalHead(connection, ref searched))
                {
                    int received;
                    var receiving = connection.StartReceivingAnswer(MaxResponseHeadBytes, ct, out var cancellation);
                    try
                    {
                        received = connection.Received(await receiving.ConfigureAwait(false));
                    }
                    catch (SocketException e)
                    {
                        ct.ThrowIfCancellationRequested(); // A watch read ended by the cancellation: the timeout, not the upstream.
                        throw connection.ReceiveFailed(e);
                    }
                    finally
                    {
                        cancellation.Dispose();
                    }
                    if (received == 0)
                    {
                        throw new HttpRequestException(HttpRequestError.ResponseEnded, $"{connection.Endpoint} closed the connection before a response");
                    }
                }
                return new Http1Answer(pool, connection, isHead);
            }
            catch (HttpRequestException e) when (mayResend && reused && !connection.ReceivedAny && !ct.IsCancellationRequested
                                                 && e.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.ConnectionError)
            {
                pool.Return(connection, reusable: false);
                mayResend = false; // Once, and on a connection opened for it.
                resending = true;
            }
            catch (UnsendableRequestException)
            {
                pool.Return(connection, reusable: !sentAnything); // When nothing was sent, the connection is as good as it was.
                throw;
            }
            catch
            {
                pool.Return(connection, reusable: false);
                throw;
            }
        }
    }

    /// <param name="fresh">Open a new connection rather than take an idle one.</param>
    /// <remarks>A ValueTask: almost every rental is an idle connection, handed back without a Task.</remarks>
    private async ValueTask<(Http1ConnectionPool Pool, Http1Connection Connection)> RentAsync(IPEndPoint endpoint, bool fresh, CancellationToken ct)
    {
        while (true)
        {
            var pool = _pools.GetOrAdd(endpoint, static _ => new Http1ConnectionPool());
            var connection = pool.Rent(takeIdle: !fresh, out var retired);
            if (retired)
            {
                _pools.TryRemove(new KeyValuePair<IPEndPoint, Http1ConnectionPool>(endpoint, pool));
                continue;
            }
            // Every reuse is checked: a server may have closed the connection, or sent bytes no request
            // asked for (a body after a HEAD answer), which would otherwise be read as the next answer.
            while (connection is not null && connection.LooksClosed())
            {
                connection.Dispose();
                connection = pool.TakeAnotherIdle();
            }
            if (connection is not null)
            {
                return (pool, connection);
            }
            try
            {
                return (pool, await Http1Connection.ConnectAsync(endpoint, ConnectTimeout, ct).ConfigureAwait(false));
            }
            catch
            {
                pool.Return(null, reusable: false);
                throw;
            }
        }
    }

    /// <summary>
    /// Streams <paramref name="length"/> bytes of the client's body upstream straight from the server's
    /// buffers. False when the upstream stopped taking them (it may have answered early, a 413 say, and
    /// closed): the answer, if one came, is still read and relayed.
    /// </summary>
    private static async Task<bool> SendBodyAsync(Http1Connection connection, System.IO.Pipelines.PipeReader body, long length, CancellationToken ct)
    {
        while (length > 0)
        {
            System.IO.Pipelines.ReadResult read;
            try
            {
                read = await body.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UnsendableRequestException(UnreadableBodyException.Describe(e));
            }
            var buffer = read.Buffer.Length > length ? read.Buffer.Slice(0, length) : read.Buffer;
            try
            {
                foreach (var segment in buffer)
                {
                    await connection.SendAsync(segment, ct).ConfigureAwait(false);
                }
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                body.AdvanceTo(buffer.End);
                return false;
            }
            length -= buffer.Length;
            body.AdvanceTo(buffer.End);
            if (read.IsCompleted && length > 0)
            {
                throw new UnsendableRequestException("a body that ended before its Content-Length");
            }
        }
        return true;
    }

    /// <summary>
    /// Parses a head from what the connection holds: true for a final answer's head, false when more bytes
    /// are needed. Interim answers (103 Early Hints, a stray 100 Continue) are skipped; the final one follows.
    /// </summary>
    private static bool TryTakeFinalHead(Http1Connection connection, ref int searched)
    {
        while (true)
        {
            var taken = ResponseHeadParser.TryParse(connection.Buffered, connection.Response, ref searched);
            if (taken == 0)
            {
                return false;
            }
            connection.Consume(taken);
            if (connection.Response.Status is >= 100 and < 200)
            {
                if (connection.Response.Status == 101)
                {
                    throw new HttpRequestException(HttpRequestError.InvalidResponse, "upstream switched protocols unasked");
                }
                continue;
            }
            return true;
        }
    }

    /// <summary>One incoming field onto the upstream head, unless it is per hop or one the head sets itself.</summary>
    private static void WriteEndToEnd(RequestHeadBuffer head, string name, Microsoft.Extensions.Primitives.StringValues values, string? connection,
        ref string priorForwardedFor)
    {
        if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsNamedBy(connection, name))
        {
            return;
        }
        if (name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
        {
            priorForwardedFor = values.ToString();
            return;
        }
        if (name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
        {
            return; // Set by the head; or, for Expect, already answered to the client by the server, and the body is sent at once.
        }
        if (values.Count == 1)
        {
            head.Field(name, values[0]);
        }
        else if (values.Count > 1)
        {
            // HTTP/2 sends cookie crumbs as separate fields; HTTP/1.1 wants one line joined by "; " (RFC 9113 §8.2.3).
            head.Field(name, values, name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ");
        }
    }

    /// <summary>The request head: end-to-end headers only, Host set, X-Forwarded-For and -Proto added (as UpstreamRequest does).</summary>
    /// <param name="contentLength">The body's length when there is one (buffered or streamed).</param>
    private static void WriteHead(RequestHeadBuffer head, HttpContext context, string authority, string pathAndQuery, long? contentLength)
    {
        var incoming = context.Request;
        var headers = incoming.Headers;
        head.Reset();
        head.RequestLine(incoming.Method, pathAndQuery);
        head.Field("Host", authority);
        var connection = headers.Connection.Count == 0 ? null : headers.Connection.ToString();
        var priorForwardedFor = "";
        // The lean front's own dictionary is walked with its struct enumerator; through the interface
        // every request would box one.
        if (headers is HeaderDictionary own)
        {
            foreach (var (name, values) in own)
            {
                WriteEndToEnd(head, name, values, connection, ref priorForwardedFor);
            }
        }
        else
        {
            foreach (var (name, values) in headers)
            {
                WriteEndToEnd(head, name, values, connection, ref priorForwardedFor);
            }
        }
        if (HopByHopHeaders.AsksForTrailers(headers.TE))
        {
            head.Field("TE", "trailers"); // gRPC-style trailers need it end to end.
            head.Field("Connection", "TE"); // TE is per hop, so its sender names it (RFC 9110 §10.1.4).
        }
        if (context.Connection.RemoteIpAddress is { } client)
        {
            head.FieldAppending("X-Forwarded-For", priorForwardedFor, client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client);
        }
        else if (priorForwardedFor.Length > 0)
        {
            head.Field("X-Forwarded-For", priorForwardedFor);
        }
        head.Field("X-Forwarded-Proto", "http");
        if (contentLength is { } length)
        {
            head.Field("Content-Length", length);
        }
        else if (RequestMethods.ExpectsContent(incoming.Method))
        {
            head.Field("Content-Length", 0); // Some servers answer 411 to a POST that does not say it is empty.
        }
        head.End();
    }

    private void Sweep()
    {
        var idleBefore = Environment.TickCount64 - (long)IdleTimeout.TotalMilliseconds;
        foreach (var (endpoint, pool) in _pools)
        {
            if (pool.Sweep(idleBefore))
            {
                _pools.TryRemove(new KeyValuePair<IPEndPoint, Http1ConnectionPool>(endpoint, pool));
            }
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var pool in _pools.Values)
        {
            pool.Close();
        }
    }
}
