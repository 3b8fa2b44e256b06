using System.Net;
using Mesh.Gateway.Forwarding.Http1;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Forwarding;

/// <summary>Builds the request sent upstream from the one received: end-to-end headers only, Host set, X-Forwarded-* added.</summary>
public static class UpstreamRequest
{
    /// <summary>
    /// The target goes upstream as routed: System.Uri would otherwise remove dot segments, turn "\" into "/" and
    /// unescape some escapes, so the backend could get a path other than the one the route matched.
    /// </summary>
    private static readonly UriCreationOptions AsSent = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <param name="body">The buffered body when it must be replayable (retries, mirrors); null streams the client's body.</param>
    /// <param name="origin">The endpoint as a URI prefix, "http://10.0.0.7:8080".</param>
    public static HttpRequestMessage Create(HttpContext context, string origin, string authority, string pathAndQuery, bool useH2c, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (!pathAndQuery.StartsWith('/'))
        {
            // OPTIONS * : SocketsHttpHandler sends origin-form only (the lean HTTP/1.1 client carries it, when it carries the request).
            throw new UnsendableRequestException($"its target \"{pathAndQuery}\" cannot be sent to an h2c backend or with a body of unknown length");
        }
        var incoming = context.Request;
        var request = new HttpRequestMessage(RequestMethods.ToHttpMethod(incoming.Method), new Uri(string.Concat(origin, pathAndQuery), AsSent))
        {
            Version = useH2c ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }
        else if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new StreamContent(new ClientBodyStream(incoming.Body));
        }
        var connection = incoming.Headers.Connection.Count == 0 ? null : incoming.Headers.Connection.ToString();
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsNamedBy(connection, name))
            {
                continue;
            }
            foreach (var value in values)
            {
                // SocketsHttpHandler would refuse it only when sending, as a failure of the endpoint (a 502, counted against it).
                if (SendableText.Problem(value) is { } problem)
                {
                    throw new UnsendableRequestException($"the request has {problem} in its header {name}");
                }
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        if (HopByHopHeaders.AsksForTrailers(incoming.Headers.TE))
        {
            request.Headers.TryAddWithoutValidation("TE", "trailers"); // gRPC needs it end to end.
            if (!useH2c)
            {
                request.Headers.Connection.Add("TE"); // RFC 9110 §10.1.4: a sender of TE names it in Connection too.
            }
        }
        request.Headers.Host = authority;
        if (TunnelUpgrade.IsRequested(context))
        {
            // An upgrade (WebSocket) is the one hop-by-hop exchange a proxy must pass on to tunnel it.
            request.Headers.Connection.Add("Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", TunnelUpgrade.Protocols(incoming.Headers.Upgrade));
        }
        if (context.Connection.RemoteIpAddress is { } client)
        {
            var prior = incoming.Headers["X-Forwarded-For"].ToString();
            request.Headers.Remove("X-Forwarded-For");
            var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client; // As the lean client writes it.
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", prior.Length > 0 ? $"{prior}, {address}" : address.ToString());
        }
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        return request;
    }

    /// <summary>
    /// Reads the body into memory when it is known to be small enough to send more than once; null when
    /// it must be streamed (unknown length, or too large), so it can be sent only once.
    /// </summary>
    public static async Task<(bool Replayable, byte[]? Body)> CaptureAsync(HttpContext context, int limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return (true, null);
        }
        if (context.Request.ContentLength is not { } length || length > limit)
        {
            return (false, null);
        }
        var buffer = new byte[length];
        await context.Request.Body.ReadExactlyAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return (true, buffer);
    }
}
