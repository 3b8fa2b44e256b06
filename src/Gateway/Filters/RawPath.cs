namespace Mesh.Gateway.Filters;

/// <summary>
/// A request path as the client wrote it, read by the segments routing matched. Routes match the decoded
/// path (Kestrel's, or the h2c front's <c>RequestPath</c>): percent-decoded but for "%2F", then without
/// "." and ".." segments. Decoding never adds or removes a "/", so once the raw path's dot segments are gone
/// (those written "%2E" too), its segments are the matched path's one for one, still encoded as sent.
/// </summary>
internal static class RawPath
{
    /// <summary>
    /// What follows the first <paramref name="segments"/> segments of <paramref name="raw"/> (a path without
    /// query), dot segments removed first: "" or text starting with "/".
    /// </summary>
    public static string After(string raw, int segments)
    {
        var path = WithoutDotSegmentsIfAny(raw);
        var at = 0;
        for (var skipped = 0; skipped < segments; skipped++)
        {
            var next = path.IndexOf('/', at + 1);
            if (next < 0)
            {
                return "";
            }
            at = next;
        }
        return segments == 0 ? path : path[at..];
    }

    /// <summary><paramref name="raw"/> itself unless it may hold a dot segment ("/." or "%2E" in it).</summary>
    public static string WithoutDotSegmentsIfAny(string raw) =>
        raw.Contains("/.", StringComparison.Ordinal) || raw.Contains("%2E", StringComparison.OrdinalIgnoreCase) ? WithoutDotSegments(raw) : raw;

    /// <summary>RFC 3986 §5.2.4 over whole segments, where a segment is a dot segment when it decodes to "." or "..".</summary>
    public static string WithoutDotSegments(string raw)
    {
        var input = raw.Split('/');
        var output = new List<string>(input.Length);
        for (var i = 1; i < input.Length; i++)
        {
            var dots = DotCount(input[i]);
            if (dots == 2 && output.Count > 0)
            {
                output.RemoveAt(output.Count - 1);
            }
            if (dots == 0)
            {
                output.Add(input[i]);
            }
            else if (i == input.Length - 1)
            {
                output.Add(""); // "/a/b/.." is "/a/": a final dot segment leaves its slash.
            }
        }
        return "/" + string.Join('/', output);
    }

    /// <summary>1 for ".", 2 for "..", each dot written as "." or "%2E"; 0 for any other segment.</summary>
    private static int DotCount(string segment)
    {
        var dots = 0;
        for (var i = 0; i < segment.Length; dots++)
        {
            if (segment[i] == '.')
            {
                i++;
            }
            else if (i + 2 < segment.Length && segment[i] == '%' && segment[i + 1] == '2' && (segment[i + 2] is 'E' or 'e'))
            {
                i += 3;
            }
            else
            {
                return 0;
            }
        }
        return dots is 1 or 2 ? dots : 0;
    }
}
