using System.Globalization;

namespace Mesh.Gateway.Filters;

/// <summary>
/// One entry of a CORS filter's allowOrigins, as GEP-1767 defines it: <c>scheme://host[:port]</c>, where
/// the port defaults to 80 for http and 443 for https, and a <c>*</c> in the host stands for one or more
/// characters (dots included, so <c>https://*.bar.com</c> takes <c>https://a.b.bar.com</c> but not
/// <c>https://bar.com</c>). Scheme and host compare case-insensitively.
/// </summary>
public sealed class CorsOrigin
{
    private readonly string _scheme;
    private readonly string _host; // Lower case; each '*' written as "?*" (one character, then any run).
    private readonly int _port;

    private CorsOrigin(string scheme, string host, int port)
    {
        _scheme = scheme;
        _host = host;
        _port = port;
    }

    /// <summary>Null when the text is not an origin (validation keeps such values out of stored routes).</summary>
    public static CorsOrigin? Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!TrySplit(pattern, out var scheme, out var host, out var port) || host.Contains('?'))
        {
            return null;
        }
        return new CorsOrigin(scheme.ToString().ToLowerInvariant(), host.ToString().ToLowerInvariant().Replace("*", "?*", StringComparison.Ordinal), port);
    }

    /// <summary>Whether a request's Origin header value is this origin (or one its wildcard covers).</summary>
    public bool Matches(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return TrySplit(origin, out var scheme, out var host, out var port)
            && port == _port
            && scheme.Equals(_scheme, StringComparison.OrdinalIgnoreCase)
            && Glob(host);
    }

    /// <summary>Splits <c>scheme://host[:port]</c>; the port is the scheme's default when absent (-1 for an unknown scheme).</summary>
    private static bool TrySplit(string origin, out ReadOnlySpan<char> scheme, out ReadOnlySpan<char> host, out int port)
    {
        host = default;
        port = -1;
        var text = origin.AsSpan();
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        scheme = separator > 0 ? text[..separator] : default;
        if (separator <= 0)
        {
            return false;
        }
        var authority = text[(separator + 3)..];
        // A bracketed IPv6 literal holds colons of its own; the port colon comes after ']'.
        var hostEnd = authority is ['[', ..] ? authority.IndexOf(']') + 1 : authority.IndexOf(':');
        if (hostEnd == 0)
        {
            return false; // An unclosed '[' (or no host before the colon).
        }
        host = hostEnd < 0 ? authority : authority[..hostEnd];
        var rest = hostEnd < 0 ? default : authority[hostEnd..];
        if (rest.IsEmpty)
        {
            port = DefaultPort(scheme);
        }
        else if (rest[0] != ':' || !int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }
        return host.Length > 0 && host.IndexOfAny('/', '?', '#') < 0;
    }

    private static int DefaultPort(ReadOnlySpan<char> scheme) =>
        scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80
        : scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
        : -1;

    /// <summary>Wildcard match, '?' one character and '*' any run: linear backtracking to the last star, never exponential.</summary>
    private bool Glob(ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < _host.Length && (_host[p] == '?' || _host[p] == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < _host.Length && _host[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < _host.Length && _host[p] == '*')
        {
            p++;
        }
        return p == _host.Length;
    }
}
