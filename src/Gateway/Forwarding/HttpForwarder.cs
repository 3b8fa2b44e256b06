using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Mesh.Gateway.Balancing;
using Mesh.Gateway.Observability;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Forwards one request and streams the response back: bodies streamed (small ones buffered only when a
/// retry may need to replay them), trailers passed on, hop-by-hop headers dropped, connections pooled
/// per endpoint. Applies the route's timeouts (504) and retries; a failed connection is 502.
/// </summary>
public sealed class HttpForwarder(GatewayMetrics metrics) : IDisposable
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

    public HttpMessageInvoker Client => _client;

    public async Task ForwardAsync(HttpContext context, ForwardPlan plan, byte[]? bufferedBody, bool replayable)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        // Linked token sources only when a route sets a timeout: most requests need none.
        using var exchange = plan.Timeouts.Request is { } requestTimeout
            ? CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted)
            : null;
        exchange?.CancelAfter(plan.Timeouts.Request!.Value);
        var exchangeToken = exchange?.Token ?? context.RequestAborted;
        var maxTries = 1 + (plan.Retry is { } retry && replayable ? retry.Attempts : 0);
        HttpResponseMessage? response = null;
        EndpointState? servedBy = null;
        for (var attempt = 1; response is null; attempt++)
        {
            if (attempt > 1)
            {
                metrics.Retries.WithLabels(new LabelValues(plan.Pool.Service)).Add();
                if (!await PauseAsync(plan.Retry!.BackoffBefore(attempt - 1), exchangeToken).ConfigureAwait(false))
                {
                    await TimedOutAsync(context, "request timeout").ConfigureAwait(false);
                    return;
                }
            }
            var endpoint = plan.Pool.Pick();
            if (endpoint is null)
            {
                await ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"no ready endpoint for {plan.Pool.Service}:{plan.Pool.Port}").ConfigureAwait(false);
                return;
            }
            plan.Labels.Endpoint = endpoint.Address;
            plan.Labels.Attempts = attempt;
            using var attemptScope = plan.Timeouts.BackendRequest is { } backendTimeout
                ? CancellationTokenSource.CreateLinkedTokenSource(exchangeToken)
                : null;
            attemptScope?.CancelAfter(plan.Timeouts.BackendRequest!.Value);
            using var request = UpstreamRequest.Create(context, endpoint.Origin, plan.Authority, plan.PathAndQuery, plan.UseH2c, bufferedBody);
            var last = attempt >= maxTries;
            var failed = true;
            endpoint.Started();
            try
            {
                var candidate = await _client.SendAsync(request, attemptScope?.Token ?? exchangeToken).ConfigureAwait(false);
                failed = (int)candidate.StatusCode >= 500;
                if (!last && plan.Retry!.Retries(candidate))
                {
                    candidate.Dispose();
                    continue;
                }
                response = candidate;
                servedBy = endpoint; // Still in flight until its body has been relayed.
            }
            catch (HttpRequestException e) when (!exchangeToken.IsCancellationRequested)
            {
                if (!last)
                {
                    continue;
                }
                var refused = e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError;
                await ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                    refused ? $"upstream {endpoint.Address} refused the connection" : $"upstream {endpoint.Address} failed: {e.HttpRequestError}").ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    failed = false; // The client went away; the endpoint did nothing wrong.
                    return;
                }
                if (exchangeToken.IsCancellationRequested)
                {
                    await TimedOutAsync(context, "request timeout").ConfigureAwait(false);
                    return;
                }
                if (!last)
                {
                    continue; // This attempt's backendRequest timeout.
                }
                await TimedOutAsync(context, "backend request timeout").ConfigureAwait(false);
                return;
            }
            finally
            {
                if (!ReferenceEquals(servedBy, endpoint))
                {
                    endpoint.Finished(failed, Now());
                }
            }
        }

        using (response)
        {
            try
            {
                if (response.StatusCode == HttpStatusCode.SwitchingProtocols
                    && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                {
                    await TunnelAsync(context, upgrade, response).ConfigureAwait(false);
                    return;
                }
                await CopyResponseAsync(context, response, plan, exchangeToken).ConfigureAwait(false);
            }
            finally
            {
                servedBy!.Finished((int)response.StatusCode >= 500, Now());
            }
        }
    }

    private static long Now() => Environment.TickCount64 * TimeSpan.TicksPerMillisecond;

    private static async Task<bool> PauseAsync(TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !ct.IsCancellationRequested;
        }
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static Task TimedOutAsync(HttpContext context, string which) => context.RequestAborted.IsCancellationRequested
        ? Task.CompletedTask
        : ProxyErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, $"upstream did not answer within the route's {which}");

    /// <summary>After 101 Switching Protocols both sides are raw streams: relay bytes both ways until either closes.</summary>
    private static async Task TunnelAsync(HttpContext context, IHttpUpgradeFeature upgrade, HttpResponseMessage response)
    {
        CopyHeaders(response.Headers, context.Response.Headers);
        if (response.Headers.Upgrade.Count > 0)
        {
            context.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
        }
        var client = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var backend = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        await using (backend.ConfigureAwait(false))
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var up = Relay(client, backend, done.Token);
            var down = Relay(backend, client, done.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }

        static async Task Relay(Stream from, Stream to, CancellationToken ct)
        {
            try
            {
                await from.CopyToAsync(to, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // One side closed or broke: the tunnel ends.
            }
        }
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, ForwardPlan plan, CancellationToken ct)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Headers, outgoing.Headers);
        CopyHeaders(response.Content.Headers, outgoing.Headers);
        foreach (var modifier in plan.ResponseHeaders)
        {
            modifier.Apply(outgoing.Headers);
        }
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.CopyToAsync(outgoing.Body, ct).ConfigureAwait(false);
            }
            // SupportsTrailers first: reading TrailingHeaders creates a collection, and HTTP/1.1 clients can't take one.
            if (outgoing.SupportsTrailers() && response.TrailingHeaders.NonValidated.Count > 0)
            {
                foreach (var (name, values) in response.TrailingHeaders)
                {
                    outgoing.AppendTrailer(name, values.ToArray());
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The upstream or the client broke mid-body, or the request timeout ran out: end abruptly so the client sees it.
            context.Abort();
        }
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        var connection = from.NonValidated.TryGetValues("Connection", out var options) ? options.ToString() : null;
        foreach (var (name, values) in from.NonValidated)
        {
            if (!HopByHopHeaders.IsHopByHop(name) && !HopByHopHeaders.IsNamedBy(connection, name))
            {
                to[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
