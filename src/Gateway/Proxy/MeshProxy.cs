using Mesh.Gateway.Balancing;
using Mesh.Gateway.Filters;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Subscription;
using Mesh.Gateway.Tables;
using System.Diagnostics;
using Mesh.Gateway.Observability;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Proxy;

/// <summary>
/// The request path of a proxy node, one layer after another: identify the Service frontend and the
/// client, pick the route group, match, apply filters, choose a backend and an endpoint, forward.
/// </summary>
public sealed class MeshProxy(TableHolder tables, HttpForwarder forwarder, MirrorSender mirrors, GatewayMetrics metrics, AccessLog accessLog,
    ServiceDemand demand)
{
    private readonly Action<HttpContext, RequestLabels> _ended = (context, labels) => End(context, labels, metrics, accessLog);

    /// <remarks>
    /// Not async itself: a forwarded request's metrics and log line are written by the forwarder as it
    /// finishes (<see cref="ForwardPlan.Ended"/>), so the common request pays for no state machine here.
    /// </remarks>
    public ValueTask HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var labels = new RequestLabels { Started = Stopwatch.GetTimestamp(), ResponseBytes = accessLog.Begin(context) };
        ValueTask routing;
        try
        {
            routing = RouteAsync(context, labels);
        }
        catch
        {
            _ended(context, labels);
            throw;
        }
        if (routing.IsCompleted)
        {
            _ended(context, labels);
            return routing;
        }
        return labels.EndedByForwarder ? routing : EndAfterAsync(context, labels, routing);
    }

    private async ValueTask EndAfterAsync(HttpContext context, RequestLabels labels, ValueTask routing)
    {
        try
        {
            await routing.ConfigureAwait(false);
        }
        finally
        {
            _ended(context, labels);
        }
    }

    private static void End(HttpContext context, RequestLabels labels, GatewayMetrics metrics, AccessLog accessLog)
    {
        if (!labels.TryEnd())
        {
            return;
        }
        var code = GatewayMetrics.CodeClass(context.Response.StatusCode);
        metrics.Requests.WithLabels(new LabelValues(labels.Service, labels.Route, labels.Backend, code)).Add();
        var elapsed = Stopwatch.GetElapsedTime(labels.Started);
        metrics.Duration.WithLabels(new LabelValues(labels.Service)).Observe(elapsed.TotalSeconds);
        if (labels.ResponseBytes is { } responseBytes)
        {
            accessLog.End(context, labels, responseBytes, elapsed);
        }
    }

    // Routing decides without awaiting: each branch hands back the one task that answers, so a request
    // pays for a single async state machine here rather than one per layer.
    private ValueTask RouteAsync(HttpContext context, RequestLabels labels)
    {
        if (RequestMethods.IsConnect(context.Request.Method))
        {
            return OpenTunnelAsync(context);
        }

        var target = RequestTarget.From(context);
        if (target.PathAndQuery.Contains('#'))
        {
            // RFC 9112 §3.2 has no fragment in a request target. Kestrel lets one through; routed as "/admin#x" (not under
            // PathPrefix /admin), it would reach a backend that drops the fragment as "/admin".
            return ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "a request target has no fragment ('#')");
        }
        if (!Authority.TryParse(target.Authority, out var authority))
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"malformed authority '{target.Authority}'");
        }
        var current = tables.Current;
        var clientNamespace = ClientNamespace(context, current);
        if (demand.Enabled && WantedFirst(current, authority, clientNamespace) is { } wanted)
        {
            return FetchThenRouteAsync(context, labels, target, authority, wanted);
        }
        return RouteTo(context, labels, target, authority, current, clientNamespace);
    }

    /// <summary>On demand: the key of the Service the request is for, when the tables in force do not hold it (or the Services its routes use) yet.</summary>
    private string? WantedFirst(RouteTables current, Authority authority, string? clientNamespace) =>
        (FrontendResolver.Resolve(current, authority, clientNamespace)?.Key ?? FrontendResolver.ResolveKey(current.Directory, authority, clientNamespace))
            is { } key && !demand.IsReady(key, current) ? key : null;

    /// <summary>The first request for a Service fetches it (and the Services its routes use), for a bounded time, then routes by the tables then in force.</summary>
    private async ValueTask FetchThenRouteAsync(HttpContext context, RequestLabels labels, RequestTarget target, Authority authority, string wanted)
    {
        await demand.EnsureAsync(wanted, context.RequestAborted).ConfigureAwait(false);
        var current = tables.Current; // Newer tables, with the fetched Services.
        await RouteTo(context, labels, target, authority, current, ClientNamespace(context, current)).ConfigureAwait(false);
    }

    private ValueTask RouteTo(HttpContext context, RequestLabels labels, RequestTarget target, Authority authority, RouteTables current,
        string? clientNamespace)
    {
        var service = FrontendResolver.Resolve(current, authority, clientNamespace);
        if (service is null && current.WorkloadsByAddress.ContainsKey(authority.Host))
        {
            // Sent to a pod, not to a Service frontend: no routes apply, straight to that address.
            return ForwardAsync(context, EndpointPool.Direct(authority.Host, authority.Port), target.Authority, target.PathAndQuery,
                TimeoutPolicy.None, null, [], [], labels);
        }
        if (service is null)
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"no Service for '{authority.Host}'");
        }
        labels.Service = service.Key;
        if (!service.Ports.TryGetValue(authority.Port, out var port))
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"Service {service.Key} has no port {authority.Port}");
        }

        var group = port.GroupFor(clientNamespace);
        if (group is null)
        {
            // No routes attached: the Service's own endpoints, as without a mesh.
            return ForwardAsync(context, current.PoolFor(service.Key, port.Port), target.Authority, target.PathAndQuery,
                TimeoutPolicy.None, null, [], [], labels);
        }

        var matched = Match(group.For(GrpcCalls.IsGrpc(context.Request)), context.Request);
        if (matched is null)
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"no route of {service.Key} matches");
        }
        labels.Route = matched.Route;
        return ApplyRuleAsync(context, current, matched, target, authority, labels);
    }

    private static CompiledEntry? Match(CompiledGroup group, HttpRequest request)
    {
        var view = new RequestView(request.Method, request.Path.Value ?? "/", request.Headers, request.QueryString.Value ?? "");
        return group.Match(view);
    }

    private ValueTask ApplyRuleAsync(HttpContext context, RouteTables current, CompiledEntry matched, RequestTarget target, Authority authority,
        RequestLabels labels)
    {
        var action = matched.Action;
        var filters = action.Filters;
        if (filters.Unsupported is { } unsupported)
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"route {matched.Route} uses unsupported filter {unsupported}");
        }
        var (rawPath, query) = SplitPathAndQuery(target.PathAndQuery);
        // The rule matched the path without its dot segments: the backend (or the redirect) gets that path too, not
        // one that could mean another to it ("/public/../admin"). Percent-encoding stays as the client wrote it.
        var path = RawPath.WithoutDotSegmentsIfAny(rawPath);
        if (filters.Redirect is { } redirect)
        {
            if (filters.Cors?.Apply(context) == true)
            {
                return default; // A CORS preflight, answered here.
            }
            Redirect(context, redirect, authority, path, query, filters.ResponseHeaders, null);
            return default;
        }

        var backend = action.Pick();
        // A backendRef's CORS filter, being the more specific, replaces the rule's (as a rewrite does).
        if ((backend?.Filters.Cors ?? filters.Cors)?.Apply(context) == true)
        {
            return default; // A CORS preflight, answered here.
        }
        if (backend is null)
        {
            // HTTP: 500. gRPC: "all traffic which matches this rule MUST receive an UNAVAILABLE status" (GRPCRoute spec).
            return ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"route {matched.Route} has no backend with weight",
                GrpcStatus.Unavailable);
        }
        labels.Backend = backend.Service;
        if (backend.Unresolved is { } reason)
        {
            // HTTP: 500 for the unresolved share. gRPC: the GRPCRoute spec asks for UNAVAILABLE.
            return ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"backend {backend.Service}:{backend.Port} is not resolved ({reason})",
                GrpcStatus.Unavailable);
        }
        if (backend.Filters.Unsupported is { } backendUnsupported)
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"backend {backend.Service} uses unsupported filter {backendUnsupported}");
        }

        if (backend.Filters.Redirect is { } backendRedirect)
        {
            // A backendRef's RequestRedirect (Extended): the requests its weight draws are redirected, not forwarded.
            Redirect(context, backendRedirect, authority, path, query, filters.ResponseHeaders, backend.Filters.ResponseHeaders);
            return default;
        }

        filters.RequestHeaders?.Apply(context.Request.Headers);
        backend.Filters.RequestHeaders?.Apply(context.Request.Headers);
        var rewrite = backend.Filters.Rewrite ?? filters.Rewrite;
        var upstreamAuthority = rewrite?.Hostname ?? target.Authority;
        var upstreamPath = (rewrite?.RewritePath(path) ?? path) + query;
        // Most rules have neither response modifiers nor mirrors: allocate lists only for those that do.
        IReadOnlyList<HeaderModifier> responseHeaders = (filters.ResponseHeaders, backend.Filters.ResponseHeaders) switch
        {
            (null, null) => [],
            ({ } routeOnly, null) => [routeOnly],
            (null, { } backendOnly) => [backendOnly],
            ({ } route, { } backendToo) => [route, backendToo],
        };
        // Array.Empty, not []: beside ToList() a [] would become a new List<T> on every request.
        IReadOnlyList<RequestMirror> mirrorList = filters.Mirrors.Count + backend.Filters.Mirrors.Count == 0
            ? Array.Empty<RequestMirror>()
            : filters.Mirrors.Concat(backend.Filters.Mirrors).Where(m => m.ShouldMirror()).ToList();
        return ForwardAsync(context, current.PoolFor(backend.Service, backend.Port), upstreamAuthority, upstreamPath,
            action.Timeouts, action.Retry, responseHeaders, mirrorList, labels, current);
    }

    /// <summary>The redirect's answer, with the rule's and then the backendRef's response header modifiers.</summary>
    private static void Redirect(HttpContext context, RequestRedirect redirect, Authority authority, string path, string query,
        HeaderModifier? ruleResponseHeaders, HeaderModifier? backendResponseHeaders)
    {
        context.Response.StatusCode = redirect.StatusCode;
        context.Response.Headers.Location = redirect.Location("http", authority.Host, authority.Port, path, query);
        ruleResponseHeaders?.Apply(context.Response.Headers);
        backendResponseHeaders?.Apply(context.Response.Headers);
    }

    private ValueTask ForwardAsync(HttpContext context, EndpointPool? pool, string authority, string pathAndQuery,
        TimeoutPolicy timeouts, RetryPolicy? retry, IReadOnlyList<HeaderModifier> responseHeaders,
        IReadOnlyList<RequestMirror> mirrorList, RequestLabels labels, RouteTables? current = null)
    {
        if (pool is null || pool.ReadyCount == 0)
        {
            var name = pool is null ? "the backend" : $"{pool.Service}:{pool.Port}";
            return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"no ready endpoint for {name}");
        }
        var plan = new ForwardPlan(pool, authority, pathAndQuery, pool.IsH2c || GrpcCalls.IsGrpc(context.Request), timeouts, retry, responseHeaders, labels,
            _ended);
        if (retry is not null || mirrorList.Count > 0)
        {
            return CaptureThenForwardAsync(context, plan, mirrorList, current);
        }
        labels.EndedByForwarder = true; // From here the forwarder's task is the request's, and it ends it.
        return forwarder.ForwardAsync(context, plan, bufferedBody: null, replayable: false);
    }

    /// <summary>Retries and mirrors need the body more than once: read it first when it is small enough.</summary>
    private async ValueTask CaptureThenForwardAsync(HttpContext context, ForwardPlan plan, IReadOnlyList<RequestMirror> mirrorList, RouteTables? current)
    {
        bool replayable;
        byte[]? body;
        try
        {
            (replayable, body) = await UpstreamRequest.CaptureAsync(context, RetryPolicy.MaxReplayableBody).ConfigureAwait(false);
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel's BadHttpRequestException is an IOException too: a body cut short or badly framed.
            await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"the request cannot be forwarded: {UnreadableBodyException.Describe(e)}")
                .ConfigureAwait(false);
            return;
        }
        foreach (var mirror in mirrorList)
        {
            if (current?.PoolFor(mirror.Service, mirror.Port)?.Pick() is { } mirrorEndpoint)
            {
                metrics.Mirrors.WithLabels(new LabelValues(mirror.Service)).Add();
                mirrors.Send(context, mirrorEndpoint, plan.Authority, plan.PathAndQuery, plan.UseH2c, body, hasUnbufferedBody: !replayable);
            }
        }
        await forwarder.ForwardAsync(context, plan, body, replayable).ConfigureAwait(false);
    }

    /// <summary>CONNECT to a Service authority: later requests on this connection go to that Service.</summary>
    private static async ValueTask OpenTunnelAsync(HttpContext context)
    {
        var authority = context.Request.Host.Value ?? "";
        if (!Authority.TryParse(authority, out _))
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"malformed CONNECT authority '{authority}'").ConfigureAwait(false);
            return;
        }
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || context.Request.Protocol != "HTTP/1.1")
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "CONNECT is served on HTTP/1.1 only").ConfigureAwait(false);
            return;
        }
        items[RequestTarget.TunnelAuthorityItem] = authority;
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static string? ClientNamespace(HttpContext context, RouteTables current)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return current.WorkloadsByAddress.TryGetValue(address.ToString(), out var workload) ? workload.Namespace : null;
    }

    private static (string Path, string Query) SplitPathAndQuery(string pathAndQuery)
    {
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (pathAndQuery, "") : (pathAndQuery[..question], pathAndQuery[question..]);
    }
}
