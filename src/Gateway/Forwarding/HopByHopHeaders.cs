namespace Mesh.Gateway.Forwarding;

/// <summary>Headers that describe one connection, not the message (RFC 9110 §7.6.1), and are never forwarded.</summary>
public static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    /// <summary>True for hop-by-hop headers, Host (set separately) and HTTP/2 pseudo-headers.</summary>
    public static bool IsHopByHop(string name) => name.StartsWith(':') || Names.Contains(name);
}
