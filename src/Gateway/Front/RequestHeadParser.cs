using System.Buffers;
using System.Text;
using Mesh.Gateway.Forwarding.Http1;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Front;

/// <summary>What the lean front makes of the bytes at the start of a request.</summary>
internal enum HeadParse
{
    /// <summary>A plain HTTP/1.1 request, parsed into the exchange.</summary>
    Lean,

    /// <summary>Anything else (h2c, an upgrade, CONNECT, a chunked body, a head not all here yet, or one that is not quite
    /// right): Kestrel takes the connection and judges it by its own rules, refusals included.</summary>
    HandOver,

    /// <summary>
    /// A whole request-line whose version is not HTTP's syntax ("HTTPc1.1"): answered 400 here, as RFC 9112 §3
    /// asks of an invalid request-line. Kestrel would answer 505, a server error, to what the client broke.
    /// </summary>
    BadVersion,
}

/// <summary>
/// A strict reader of HTTP/1.1 request heads (RFC 9112) for the common case. It accepts only what it is
/// sure of and hands over the rest, so that every refusal (400, 414, 431) and every unusual feature is
/// Kestrel's, exactly as before the lean front existed. One exception: a version that is not one gets the
/// 400 RFC 9112 asks for here, where Kestrel would answer 505 (<see cref="HeadParse.BadVersion"/>).
/// </summary>
internal static class RequestHeadParser
{
    /// <summary>Kestrel's default MaxRequestHeaderCount; beyond it, Kestrel answers.</summary>
    private const int MaxFields = 100;

    private static readonly SearchValues<byte> PathBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/"u8);

    /// <summary>A query keeps its percent-encoding (it is passed on as received), and may hold '?'.</summary>
    private static readonly SearchValues<byte> QueryBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?%"u8);

    private static readonly SearchValues<byte> AuthorityBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]"u8);

    // Names most requests carry, so reading them allocates nothing.
    private static readonly CommonFieldNames CommonNames = new(
        "Host", "Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control", "Connection", "Content-Length",
        "Content-Type", "Cookie", "Expect", "HTTP2-Settings", "If-Modified-Since", "If-None-Match", "Origin", "Pragma", "Referer",
        "TE", "Transfer-Encoding", "Upgrade", "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-Id", "traceparent",
        "tracestate", "baggage");

    public static HeadParse TryParse(ReadOnlySpan<byte> input, LeanExchange exchange, out int consumed, out long? contentLength, out bool close)
    {
        consumed = 0;
        contentLength = null;
        close = false;
        var end = input.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return NotLean(input);
        }
        var head = input[..(end + 2)];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (!TryRequestLine(head[..lineEnd], exchange, out var authority))
        {
            return NotLean(head);
        }

        IHeaderDictionary headers = exchange.RequestHeaders;
        headers.Clear();
        var rest = head[(lineEnd + 2)..];
        var fields = 0;
        var hosts = 0;
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            if (++fields > MaxFields)
            {
                return HeadParse.HandOver;
            }
            if (!FieldSyntax.TrySplit(line, out var rawName, out var rawValue))
            {
                return HeadParse.HandOver; // Includes whitespace before the colon, obs-fold lines, controls and obs-text.
            }
            var name = FieldSyntax.NameOf(rawName, CommonNames, out var common);
            switch (name)
            {
                case "Host":
                    hosts++;
                    if (authority is null && !IsAuthority(rawValue))
                    {
                        return HeadParse.HandOver; // Kestrel judges a Host it would refuse; a proxy-form URI replaces it anyway.
                    }
                    break;
                case "Content-Length":
                    if (contentLength is not null || !FieldSyntax.TryParseLength(rawValue, out var length))
                    {
                        return HeadParse.HandOver;
                    }
                    contentLength = length;
                    break;
                case "Connection":
                    if (!TryConnection(rawValue, ref close))
                    {
                        return HeadParse.HandOver;
                    }
                    break;
                case "Transfer-Encoding" or "Upgrade" or "Expect" or "HTTP2-Settings":
                    return HeadParse.HandOver;
            }
            var value = FieldSyntax.ValueOf(rawValue, name, common);
            headers[name] = headers.TryGetValue(name, out var earlier) ? StringValues.Concat(earlier, value) : new StringValues(value);
        }
        if (hosts != 1)
        {
            return HeadParse.HandOver; // Absent or repeated: Kestrel answers 400.
        }
        if (authority is not null)
        {
            headers.Host = authority; // A proxy-form request is routed by its URI (RFC 9112 §3.2.2).
        }
        consumed = end + 4;
        return HeadParse.Lean;
    }

    /// <summary>method SP request-target SP HTTP/1.1, with an origin-form or http:// absolute-form target this reader is sure of.</summary>
    private static bool TryRequestLine(ReadOnlySpan<byte> line, LeanExchange exchange, out string? authority)
    {
        authority = null;
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || !FieldSyntax.IsToken(line[..space]))
        {
            return false;
        }
        var method = line[..space];
        var afterMethod = line[(space + 1)..];
        space = afterMethod.IndexOf((byte)' ');
        if (space <= 0 || !afterMethod[(space + 1)..].SequenceEqual("HTTP/1.1"u8))
        {
            return false;
        }
        var target = afterMethod[..space];
        var pathStart = 0;
        if (target[0] != (byte)'/')
        {
            if (!target.StartsWith("http://"u8) && !Ascii.EqualsIgnoreCase(target[..Math.Min(7, target.Length)], "http://"u8))
            {
                return false; // CONNECT's authority-form, OPTIONS *, https:// and the h2c preface are Kestrel's.
            }
            var afterScheme = target[7..];
            var slash = afterScheme.IndexOf((byte)'/');
            if (slash <= 0 || afterScheme[..slash].IndexOf((byte)'?') >= 0)
            {
                return false;
            }
            var host = afterScheme[..slash];
            if (!IsAuthority(host))
            {
                return false;
            }
            authority = Encoding.ASCII.GetString(host);
            pathStart = 7 + slash;
        }
        var pathAndQuery = target[pathStart..];
        var question = pathAndQuery.IndexOf((byte)'?');
        var path = question < 0 ? pathAndQuery : pathAndQuery[..question];
        if (!IsPlainPath(path) || (question >= 0 && pathAndQuery[question..].IndexOfAnyExcept(QueryBytes) >= 0))
        {
            return false;
        }
        var methodName = KnownMethod(method);
        if (methodName is null || methodName == HttpMethods.Connect)
        {
            return false;
        }
        exchange.Method = methodName;
        // A client asking for the same target again on its connection gets the same string back.
        exchange.RawTarget = Ascii.Equals(target, exchange.RawTarget) ? exchange.RawTarget : Encoding.ASCII.GetString(target);
        exchange.Path = question < 0 && pathStart == 0 ? exchange.RawTarget : Encoding.ASCII.GetString(path);
        exchange.QueryString = question < 0 ? "" : Encoding.ASCII.GetString(pathAndQuery[question..]);
        return true;
    }

    /// <summary>
    /// A head this reader does not serve: the 400 of <see cref="HeadParse.BadVersion"/> when its request-line is whole
    /// and its version is not one, else Kestrel's to judge. Asked only off the common path: a line that ends in
    /// "HTTP/1.1" never comes here for its version.
    /// </summary>
    private static HeadParse NotLean(ReadOnlySpan<byte> input)
    {
        var lineEnd = input.IndexOf("\r\n"u8);
        return lineEnd > 0 && HasMalformedVersion(input[..lineEnd]) ? HeadParse.BadVersion : HeadParse.HandOver;
    }

    /// <summary>
    /// The request-line's last word is not HTTP-version (%s"HTTP/" DIGIT "." DIGIT, RFC 9112 §2.3). A line with a bare
    /// LF in it, or none of the three words, is left to Kestrel's own judgement.
    /// </summary>
    private static bool HasMalformedVersion(ReadOnlySpan<byte> line)
    {
        var space = line.LastIndexOf((byte)' ');
        if (space <= 0 || line.IndexOf((byte)'\n') >= 0 || line[..space].IndexOf((byte)' ') <= 0)
        {
            return false;
        }
        var version = line[(space + 1)..];
        return !(version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5])
                 && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]));
    }

    private static string? KnownMethod(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("GET"u8) => HttpMethods.Get,
        _ when method.SequenceEqual("POST"u8) => HttpMethods.Post,
        _ when method.SequenceEqual("PUT"u8) => HttpMethods.Put,
        _ when method.SequenceEqual("DELETE"u8) => HttpMethods.Delete,
        _ when method.SequenceEqual("HEAD"u8) => HttpMethods.Head,
        _ when method.SequenceEqual("PATCH"u8) => HttpMethods.Patch,
        _ when method.SequenceEqual("OPTIONS"u8) => HttpMethods.Options,
        _ => null, // Other methods (and CONNECT) go to Kestrel.
    };

    /// <summary>A path with nothing to decode or normalize: no percent-encoding, no dot segments, nothing but RFC 3986 pchars.</summary>
    private static bool IsPlainPath(ReadOnlySpan<byte> path) =>
        !path.IsEmpty && path[0] == (byte)'/' && path.IndexOf("/."u8) < 0 && path.IndexOfAnyExcept(PathBytes) < 0;

    /// <summary>A host[:port] of the characters a Service name or an IP address uses, at least one.</summary>
    private static bool IsAuthority(ReadOnlySpan<byte> host) => !host.IsEmpty && host.IndexOfAnyExcept(AuthorityBytes) < 0;

    /// <summary>"keep-alive" and "close" are understood here; any other connection option is Kestrel's.</summary>
    private static bool TryConnection(ReadOnlySpan<byte> value, ref bool close)
    {
        foreach (var range in value.Split((byte)','))
        {
            var option = value[range].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(option, "close"u8))
            {
                close = true;
            }
            else if (!Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
            {
                return false;
            }
        }
        return true;
    }
}
