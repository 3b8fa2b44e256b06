namespace Mesh.Gateway.Forwarding;

/// <summary>Headers that describe one connection, not the message (RFC 9110 §7.6.1), and are never forwarded.</summary>
public static class HopByHopHeaders
{
    /// <summary>True for hop-by-hop headers, Host (set separately) and HTTP/2 pseudo-headers.</summary>
    /// <remarks>Asked for every header of every request and response, so a switch on length, not a hash of the name.</remarks>
    public static bool IsHopByHop(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return false;
        }
        return name[0] == ':' || name.Length switch
        {
            2 => Is(name, "TE"),
            4 => Is(name, "Host"),
            7 => Is(name, "Trailer") || Is(name, "Upgrade"),
            10 => Is(name, "Connection") || Is(name, "Keep-Alive"),
            14 => Is(name, "HTTP2-Settings"), // The h2c upgrade's, about one connection (RFC 9113 §3.1 retired it).
            16 => Is(name, "Proxy-Connection"),
            17 => Is(name, "Transfer-Encoding"),
            18 => Is(name, "Proxy-Authenticate"),
            19 => Is(name, "Proxy-Authorization"),
            _ => false,
        };
    }

    /// <summary>
    /// True when the message's Connection header lists <paramref name="name"/>: a sender marks its own
    /// per-hop extensions that way ("Connection: X-Trace-Hop"), and a proxy must drop them (RFC 9110 §7.6.1).
    /// </summary>
    public static bool IsNamedBy(string? connectionHeader, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrEmpty(connectionHeader))
        {
            return false;
        }
        if (Is(connectionHeader, "keep-alive"))
        {
            return Is(name, "keep-alive"); // What nearly every HTTP/1.1 peer sends, asked for each of its fields: no split.
        }
        foreach (var range in connectionHeader.AsSpan().Split(','))
        {
            if (connectionHeader.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when a TE header asks for trailers: the one TE value a proxy passes on, since gRPC needs it
    /// end to end although TE itself is per hop.
    /// </summary>
    public static bool AsksForTrailers(Microsoft.Extensions.Primitives.StringValues te)
    {
        foreach (var value in te)
        {
            if (value?.Contains("trailers", StringComparison.OrdinalIgnoreCase) == true)
            {
                return true;
            }
        }
        return false;
    }

    private static bool Is(string name, string hopByHop) => string.Equals(name, hopByHop, StringComparison.OrdinalIgnoreCase);
}
