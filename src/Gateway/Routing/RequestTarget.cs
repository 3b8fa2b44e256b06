using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Where a request was sent, in the terms of the mesh: the authority it names (the CONNECT tunnel's,
/// the proxy-form URI's, or else Host/:authority) and the path and query as received.
/// </summary>
public readonly record struct RequestTarget(string Authority, string PathAndQuery)
{
    /// <summary>Connection item holding the authority of a CONNECT tunnel, for the requests inside it.</summary>
    public const string TunnelAuthorityItem = "mesh.tunnel-authority";

    public static RequestTarget From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        if (context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items
                .TryGetValue(TunnelAuthorityItem, out var tunnel) == true && tunnel is string tunnelAuthority)
        {
            return new RequestTarget(tunnelAuthority, raw);
        }
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = raw.AsSpan("http://".Length);
            var end = rest.IndexOfAny('/', '?');
            var authority = end < 0 ? rest.ToString() : rest[..end].ToString();
            var pathAndQuery = end < 0 ? "/" : rest[end..].ToString();
            return new RequestTarget(authority, pathAndQuery.StartsWith('?') ? "/" + pathAndQuery : pathAndQuery);
        }
        return new RequestTarget(context.Request.Host.Value ?? "", raw);
    }
}
