using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Forwards one request to one endpoint and streams the response back, both bodies streamed (never
/// buffered), trailers passed on, hop-by-hop headers dropped. Connections are pooled per endpoint.
/// </summary>
public sealed class HttpForwarder : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ActivityHeadersPropagator = null, // The client's own traceparent passes through untouched.
    });

    public async Task ForwardAsync(HttpContext context, Upstream upstream)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(upstream);
        var ct = context.RequestAborted;
        using var request = CreateRequest(context, upstream);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            var connectFailed = e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError;
            await ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                connectFailed ? $"upstream {upstream.Endpoint} refused the connection" : $"upstream {upstream.Endpoint} failed: {e.HttpRequestError}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // The client went away.
        }

        using (response)
        {
            await CopyResponseAsync(context, response, upstream, ct).ConfigureAwait(false);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, Upstream upstream)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri($"http://{upstream.Endpoint}{upstream.PathAndQuery}"))
        {
            Version = upstream.UseH2c ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new StreamContent(incoming.Body);
        }
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.IsHopByHop(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        if (incoming.Headers.TE.Any(v => v?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true))
        {
            request.Headers.TryAddWithoutValidation("TE", "trailers"); // gRPC needs it end to end.
        }
        request.Headers.Host = upstream.Authority;
        var client = context.Connection.RemoteIpAddress?.ToString();
        if (client is not null)
        {
            var prior = incoming.Headers["X-Forwarded-For"].ToString();
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", prior.Length > 0 ? $"{prior}, {client}" : client);
        }
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        return request;
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, Upstream upstream, CancellationToken ct)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Headers, outgoing.Headers);
        CopyHeaders(response.Content.Headers, outgoing.Headers);
        upstream.RouteResponseHeaders?.Apply(outgoing.Headers);
        upstream.BackendResponseHeaders?.Apply(outgoing.Headers);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.CopyToAsync(outgoing.Body, ct).ConfigureAwait(false);
            }
            if (response.TrailingHeaders.Any() && outgoing.SupportsTrailers())
            {
                foreach (var (name, values) in response.TrailingHeaders)
                {
                    outgoing.AppendTrailer(name, values.ToArray());
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The upstream or the client broke mid-body: end this exchange abruptly so the client sees it.
            context.Abort();
        }
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from.NonValidated)
        {
            if (!HopByHopHeaders.IsHopByHop(name))
            {
                to[name] = values.ToArray();
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
