using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;
using Mesh.Gateway.Balancing;
using Mesh.Gateway.Forwarding.Http1;
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
public sealed class HttpForwarder(GatewayMetrics metrics, GatewayOptions? options = null) : IDisposable
{
    private readonly bool _leanHttp1 = (options ?? new GatewayOptions()).LeanHttp1Upstream;

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

    private readonly Http1Client _http1 = new();

    public HttpMessageInvoker Client => _client;

    /// <summary>The lean HTTP/1.1 client, which carries most requests when <see cref="GatewayOptions.LeanHttp1Upstream"/> is on.</summary>
    public Http1Client Http1 => _http1;

    /// <remarks>Pooled, as <see cref="Http1Client.SendAsync"/> is: nearly every request waits here for its answer.</remarks>
    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder))]
    public async ValueTask ForwardAsync(HttpContext context, ForwardPlan plan, byte[]? bufferedBody, bool replayable)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            // Linked token sources only when a route sets a timeout: most requests need none.
            using var exchange = plan.Timeouts.Request is { } requestTimeout
                ? CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted)
                : null;
            exchange?.CancelAfter(plan.Timeouts.Request!.Value);
            var exchangeToken = exchange?.Token ?? context.RequestAborted;
            var maxTries = 1 + (plan.Retry is { } retry && replayable ? retry.Attempts : 0);
            IUpstreamAnswer? response = null;
            EndpointState? servedBy = null;
            var servedFailed = false;
            // The served attempt's backendRequest timeout runs on through the relay: it covers the whole answer.
            CancellationTokenSource? servedScope = null;
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
                var attemptScope = plan.Timeouts.BackendRequest is { } backendTimeout
                    ? CancellationTokenSource.CreateLinkedTokenSource(exchangeToken)
                    : null;
                attemptScope?.CancelAfter(plan.Timeouts.BackendRequest!.Value);
                var last = attempt >= maxTries;
                var failed = true;
                endpoint.Started();
                try
                {
                    var candidate = await SendAsync(context, plan, endpoint, bufferedBody, attemptScope?.Token ?? exchangeToken).ConfigureAwait(false);
                    // A trailers-only gRPC failure (UNAVAILABLE...) counts as the 5xx it stands for, for retries and ejection alike.
                    var status = candidate.EquivalentStatus;
                    failed = status >= 500;
                    if (!last && plan.Retry!.RetriesStatus(status))
                    {
                        candidate.Dispose();
                        continue;
                    }
                    response = candidate;
                    servedFailed = failed;
                    servedBy = endpoint; // Still in flight until its body has been relayed.
                    servedScope = attemptScope;
                }
                catch (UnsendableRequestException e)
                {
                    failed = false;
                    await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"the request cannot be forwarded: {e.Message}").ConfigureAwait(false);
                    return;
                }
                catch (HttpRequestException e) when (UnreadableBodyException.In(e) is { } unreadable)
                {
                    failed = false; // The client's body broke, not the endpoint; and it cannot be sent again.
                    if (!context.RequestAborted.IsCancellationRequested)
                    {
                        await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"the request cannot be forwarded: {unreadable.Message}").ConfigureAwait(false);
                    }
                    return;
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
                    if (!ReferenceEquals(servedScope, attemptScope))
                    {
                        attemptScope?.Dispose();
                    }
                }
            }

            using (response)
            using (servedScope)
            {
                try
                {
                    await response.RelayAsync(context, plan, servedScope?.Token ?? exchangeToken).ConfigureAwait(false);
                }
                finally
                {
                    servedBy!.Finished(servedFailed, Now());
                }
            }
        }
        finally
        {
            plan.Ended?.Invoke(context, plan.Labels);
        }
    }

    /// <summary>One attempt's request, by the lean HTTP/1.1 client when it can carry it, else by SocketsHttpHandler.</summary>
    private ValueTask<IUpstreamAnswer> SendAsync(HttpContext context, ForwardPlan plan, EndpointState endpoint, byte[]? bufferedBody, CancellationToken ct) =>
        _leanHttp1 && Http1Client.CanCarry(context, plan.UseH2c, bufferedBody)
            ? _http1.SendAsync(context, endpoint, plan.Authority, plan.PathAndQuery, bufferedBody, ct)
            : SendByHttpClientAsync(context, plan, endpoint, bufferedBody, ct);

    private async ValueTask<IUpstreamAnswer> SendByHttpClientAsync(HttpContext context, ForwardPlan plan, EndpointState endpoint, byte[]? bufferedBody,
        CancellationToken ct)
    {
        using var request = UpstreamRequest.Create(context, endpoint.Origin, plan.Authority, plan.PathAndQuery, plan.UseH2c, bufferedBody);
        return new HttpClientAnswer(await _client.SendAsync(request, ct).ConfigureAwait(false));
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
            await Task.Delay(TimeoutPolicy.Clamp(delay), ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static ValueTask TimedOutAsync(HttpContext context, string which) => context.RequestAborted.IsCancellationRequested
        ? default
        : ProxyErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, $"upstream did not answer within the route's {which}");

    public void Dispose()
    {
        _client.Dispose();
        _http1.Dispose();
    }
}
