using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Which HTTP/1.1 upgrades the proxy passes on and, after 101, tunnels (WebSocket and the like). Never
/// "h2c": an HTTP/2 connection tunnelled to the backend would carry every later request of the client
/// past the route tables and their filters ("h2c smuggling"), and RFC 9113 §3.1 retired that upgrade
/// anyway. A request asking only for h2c is served as the plain request it also is (RFC 9110 §7.8 lets
/// a server ignore Upgrade). So is an asterisk-form OPTIONS, whose target no upgrade path can send.
/// </summary>
public static class TunnelUpgrade
{
    /// <summary>True when the request asks, by Connection: Upgrade, for a protocol the proxy tunnels.</summary>
    public static bool IsRequested(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && context.Request.Protocol == "HTTP/1.1"
            && context.Request.Path.HasValue // Empty only for the asterisk-form target ("OPTIONS *").
            && Protocols(context.Request.Headers.Upgrade) is not null;
    }

    /// <summary>The Upgrade field to pass on: the listed protocols but h2c, in order; null when none is left.</summary>
    public static string? Protocols(StringValues upgrade)
    {
        List<string>? kept = null;
        foreach (var value in upgrade)
        {
            foreach (var range in (value ?? "").AsSpan().Split(','))
            {
                var protocol = (value ?? "").AsSpan(range).Trim(" \t");
                if (protocol.IsEmpty || IsH2c(protocol))
                {
                    continue;
                }
                (kept ??= []).Add(protocol.ToString());
            }
        }
        return kept is null ? null : string.Join(", ", kept);
    }

    // protocol-name ["/" protocol-version]; names compare without case (RFC 9110 §7.8).
    private static bool IsH2c(ReadOnlySpan<char> protocol)
    {
        var slash = protocol.IndexOf('/');
        return (slash < 0 ? protocol : protocol[..slash]).Equals("h2c", StringComparison.OrdinalIgnoreCase);
    }
}
