using System.Text;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A request's Path as Kestrel gives it: percent-decoded as UTF-8, except "%2F", which stays encoded so a
/// decoded slash never splits a segment; then without "." and ".." segments (RFC 3986 §5.2.4). The raw
/// target, which routing uses, is left as received.
/// </summary>
internal static class RequestPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(string raw)
    {
        if (raw.AsSpan().IndexOfAny('%', '.') < 0)
        {
            return raw;
        }
        return RemoveDotSegments(raw.Contains('%') ? PercentDecode(raw) : raw);
    }

    private static string PercentDecode(string raw)
    {
        var bytes = new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && Hex(raw[i + 1]) is var high and >= 0 && Hex(raw[i + 2]) is var low and >= 0)
            {
                var value = (byte)((high << 4) | low);
                if (value != (byte)'/')
                {
                    bytes[length++] = value;
                    i += 2;
                    continue;
                }
            }
            bytes[length++] = (byte)raw[i];
        }
        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return raw; // Not UTF-8 once decoded: left as it came, as Kestrel leaves such sequences.
        }
    }

    private static int Hex(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains("/.", StringComparison.Ordinal))
        {
            return path;
        }
        var output = new StringBuilder(path.Length);
        var input = path.AsSpan();
        while (!input.IsEmpty)
        {
            if (input.StartsWith("/./"))
            {
                input = input[2..];
            }
            else if (input.SequenceEqual("/."))
            {
                input = "/";
            }
            else if (input.StartsWith("/../"))
            {
                input = input[3..];
                RemoveLastSegment(output);
            }
            else if (input.SequenceEqual("/.."))
            {
                input = "/";
                RemoveLastSegment(output);
            }
            else
            {
                var next = input[1..].IndexOf('/');
                var segment = next < 0 ? input : input[..(next + 1)];
                output.Append(segment);
                input = input[segment.Length..];
            }
        }
        return output.ToString();
    }

    private static void RemoveLastSegment(StringBuilder output)
    {
        var text = output.ToString();
        var last = text.LastIndexOf('/');
        output.Length = last < 0 ? 0 : last;
    }
}
