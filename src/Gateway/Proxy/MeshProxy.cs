using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Tables;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Proxy;

/// <summary>
/// The request path of a proxy node, one layer after another: identify the Service frontend and the
/// client, pick the route group, match, apply filters, choose a backend and an endpoint, forward.
/// </summary>
public sealed class MeshProxy(TableHolder tables, HttpForwarder forwarder)
{
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsConnect(context.Request.Method))
        {
            await OpenTunnelAsync(context).ConfigureAwait(false);
            return;
        }

        var target = RequestTarget.From(context);
        if (!Authority.TryParse(target.Authority, out var authority))
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"malformed authority '{target.Authority}'").ConfigureAwait(false);
            return;
        }
        var current = tables.Current;
        var clientNamespace = ClientNamespace(context, current);
        var service = FrontendResolver.Resolve(current, authority, clientNamespace);
        if (service is null)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"no Service for '{authority.Host}'").ConfigureAwait(false);
            return;
        }
        if (!service.Ports.TryGetValue(authority.Port, out var port))
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"Service {service.Key} has no port {authority.Port}").ConfigureAwait(false);
            return;
        }

        var group = port.GroupFor(clientNamespace);
        if (group is null)
        {
            // No routes attached: the Service's own endpoints, as without a mesh.
            await ForwardToPoolAsync(context, current.PoolFor(service.Key, port.Port), target, null, null).ConfigureAwait(false);
            return;
        }

        var view = new RequestView(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.Headers, context.Request.QueryString.Value ?? "");
        CompiledEntry? matched = null;
        foreach (var entry in group.Entries)
        {
            if (entry.Matcher.Matches(view))
            {
                matched = entry;
                break;
            }
        }
        if (matched is null)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"no route of {service.Key} matches").ConfigureAwait(false);
            return;
        }

        var action = matched.Action;
        if (action.Unsupported is { } filter)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"route {matched.Route} uses unsupported filter {filter}").ConfigureAwait(false);
            return;
        }
        var backend = action.Pick();
        if (backend is null)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"route {matched.Route} has no backend with weight").ConfigureAwait(false);
            return;
        }
        if (backend.Unresolved is { } reason)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"backend {backend.Service}:{backend.Port} is not resolved ({reason})").ConfigureAwait(false);
            return;
        }
        if (backend.Unsupported is { } backendFilter)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, $"backend {backend.Service} uses unsupported filter {backendFilter}").ConfigureAwait(false);
            return;
        }
        action.RequestHeaders?.Apply(context.Request.Headers);
        backend.RequestHeaders?.Apply(context.Request.Headers);
        await ForwardToPoolAsync(context, current.PoolFor(backend.Service, backend.Port), target, action, backend).ConfigureAwait(false);
    }

    private Task ForwardToPoolAsync(HttpContext context, EndpointPool? pool, RequestTarget target, RouteAction? action, WeightedBackend? backend)
    {
        var endpoint = pool?.Next();
        if (pool is null || endpoint is null)
        {
            var name = backend is null ? "the Service" : $"{backend.Service}:{backend.Port}";
            return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"no ready endpoint for {name}");
        }
        var useH2c = pool.IsH2c || IsGrpc(context.Request);
        var upstream = new Upstream(endpoint, useH2c, target.Authority, target.PathAndQuery, action?.ResponseHeaders, backend?.ResponseHeaders);
        return forwarder.ForwardAsync(context, upstream);
    }

    /// <summary>CONNECT to a Service authority: later requests on this connection go to that Service.</summary>
    private static async Task OpenTunnelAsync(HttpContext context)
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

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
