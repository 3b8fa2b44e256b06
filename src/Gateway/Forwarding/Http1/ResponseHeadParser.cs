using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// Parses an HTTP/1.1 status line and header section (RFC 9112 §4, §5) strictly: anything a proxy may
/// not pass on as it is (line folding, whitespace before the colon, conflicting Content-Length, bytes
/// that are not field content) makes the response invalid, which the client sees as 502.
/// </summary>
internal static class ResponseHeadParser
{
    // Names most responses carry, so reading them allocates nothing.
    private static readonly CommonFieldNames CommonNames = new(
        "Date", "Vary", "ETag", "Server", "Expires", "Location", Connection, "Set-Cookie", "Keep-Alive", "Content-Type",
        "Accept-Ranges", "Cache-Control", "Last-Modified", ContentLength, "Content-Encoding", TransferEncoding,
        "grpc-status", "grpc-message", "X-Content-Type-Options", "Strict-Transport-Security", "Trailer");

    // Among the common names: a name equal to one of these in any case is read as that very string.
    private const string ContentLength = "Content-Length";
    private const string TransferEncoding = "Transfer-Encoding";
    private const string Connection = "Connection";

    /// <summary>Header fields a response may carry; a proxy that took any number would spend unbounded work on one answer.</summary>
    public const int MaxFields = 256;

    /// <summary>
    /// Reads one head from <paramref name="input"/> into <paramref name="head"/>; returns the bytes it took,
    /// or 0 when the head is not complete yet. <paramref name="searched"/> carries how far an earlier call
    /// looked, so a head arriving in many small pieces is scanned once. Throws
    /// <see cref="HttpRequestException"/> when it is invalid.
    /// </summary>
    public static int TryParse(ReadOnlySpan<byte> input, ResponseHead head, ref int searched)
    {
        var from = Math.Max(0, searched - 3);
        var found = input[from..].IndexOf("\r\n\r\n"u8);
        if (found < 0)
        {
            if (input[from..].IndexOf("\n\n"u8) >= 0)
            {
                throw Invalid("line endings without CR"); // Rather than wait for a CRLF that will never come.
            }
            searched = input.Length;
            return 0;
        }
        searched = 0;
        var end = from + found;
        head.Clear();
        var lines = input[..(end + 2)];
        var lineEnd = lines.IndexOf("\r\n"u8);
        ParseStatusLine(lines[..lineEnd], head);
        lines = lines[(lineEnd + 2)..];
        while (!lines.IsEmpty)
        {
            if (head.Fields.Count == MaxFields)
            {
                throw Invalid($"more than {MaxFields} header fields");
            }
            lineEnd = lines.IndexOf("\r\n"u8);
            ParseField(lines[..lineEnd], head);
            lines = lines[(lineEnd + 2)..];
        }
        return end + 4;
    }

    /// <summary>Parses the trailer section after a last chunk: the same field syntax, none of the framing.</summary>
    public static int TryParseTrailers(ReadOnlySpan<byte> input, List<KeyValuePair<string, string>> trailers)
    {
        if (input.StartsWith("\r\n"u8))
        {
            return 2;
        }
        var end = input.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return 0;
        }
        var lines = input[..(end + 2)];
        while (!lines.IsEmpty)
        {
            if (trailers.Count == MaxFields)
            {
                throw Invalid($"more than {MaxFields} trailer fields");
            }
            var lineEnd = lines.IndexOf("\r\n"u8);
            var (name, value) = SplitField(lines[..lineEnd]);
            trailers.Add(new(name, value));
            lines = lines[(lineEnd + 2)..];
        }
        return end + 4;
    }

    private static void ParseStatusLine(ReadOnlySpan<byte> line, ResponseHead head)
    {
        // HTTP/1.x SP 3DIGIT SP [reason]; a later 1.x minor version is read as 1.1 (RFC 9110 §2.5).
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ' || (line.Length > 12 && line[12] != (byte)' ')
            || !char.IsAsciiDigit((char)line[7])
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100 || status > 599)
        {
            throw Invalid("malformed status line");
        }
        head.IsHttp10 = line[7] == (byte)'0';
        head.Status = status;
    }

    private static void ParseField(ReadOnlySpan<byte> line, ResponseHead head)
    {
        if (!FieldSyntax.TrySplit(line, out var nameBytes, out var valueBytes))
        {
            // No name, a line starting with whitespace (obsolete line folding, which a proxy must not pass
            // on), whitespace before the colon, or bytes that are not field content.
            throw Invalid(line.IndexOf((byte)':') <= 0 ? "malformed header line"
                : FieldSyntax.IsToken(nameBytes) ? "invalid header value" : "invalid header name");
        }
        var name = FieldSyntax.NameOf(nameBytes, CommonNames, out var common);
        var value = FieldSyntax.ValueOf(valueBytes, name, common);
        // Compared by reference: NameOf reads any casing of a common name as its one string.
        if (ReferenceEquals(name, ContentLength))
        {
            if (!FieldSyntax.TryParseLength(valueBytes, out var length) || (head.ContentLength is { } earlier && earlier != length))
            {
                throw Invalid("invalid or conflicting Content-Length");
            }
            head.ContentLength = length;
        }
        else if (ReferenceEquals(name, TransferEncoding))
        {
            // Only chunked alone is relayed: the client's side frames the body anew, so any other coding
            // (gzip, chunked) would reach it undeclared, and "identity" is no coding at all (RFC 9112 §6.1).
            if (head.Chunked || !value.AsSpan().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"unsupported Transfer-Encoding '{value}'");
            }
            head.Chunked = true;
        }
        else if (ReferenceEquals(name, Connection))
        {
            head.Connection = head.Connection is null ? value : $"{head.Connection}, {value}";
            head.ConnectionClose |= HopByHopHeaders.IsNamedBy(value, "close");
        }
        head.Fields.Add(new(name, value));
    }

    /// <summary>Splits a trailer field.</summary>
    private static (string Name, string Value) SplitField(ReadOnlySpan<byte> line)
    {
        if (!FieldSyntax.TrySplit(line, out var nameBytes, out var valueBytes))
        {
            throw Invalid(line.IndexOf((byte)':') <= 0 ? "malformed header line"
                : FieldSyntax.IsToken(nameBytes) ? "invalid header value" : "invalid header name");
        }
        var name = FieldSyntax.NameOf(nameBytes, CommonNames, out var common);
        return (name, FieldSyntax.ValueOf(valueBytes, name, common));
    }

    private static HttpRequestException Invalid(string what) => new(HttpRequestError.InvalidResponse, $"upstream sent an invalid response: {what}");
}
