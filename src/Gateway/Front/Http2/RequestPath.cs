using System.Text;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A request's Path as Kestrel gives it: percent-decoded as UTF-8, except "%2F", which stays encoded so a
/// decoded slash never splits a segment, and bytes that are not UTF-8, which stay as written; then
/// without "." and ".." segments (RFC 3986 §5.2.4). The raw target, which routing uses, is left as received.
/// </summary>
internal static class RequestPath
{
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
        var output = new StringBuilder(raw.Length);
        // Room for every encoded byte the path could hold, so a run is never cut inside a character.
        var longest = raw.Length / 3 + 1;
        var rented = longest > 256 ? System.Buffers.ArrayPool<byte>.Shared.Rent(longest) : null;
        Span<byte> run = rented ?? stackalloc byte[256];
        var i = 0;
        while (i < raw.Length)
        {
            // A run of encoded bytes (but "%2F"), decoded together: a character may take several.
            var start = i;
            var length = 0;
            while (length < run.Length && i + 2 < raw.Length && raw[i] == '%'
                   && Hex(raw[i + 1]) is var high and >= 0 && Hex(raw[i + 2]) is var low and >= 0 && ((high << 4) | low) != '/')
            {
                run[length++] = (byte)((high << 4) | low);
                i += 3;
            }
            if (length == 0)
            {
                output.Append(raw[i++]);
                continue;
            }
            AppendUtf8(output, run[..length], raw.AsSpan(start, 3 * length));
        }
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        return output.ToString();
    }

    /// <summary>The run's characters; a byte that does not start valid UTF-8 stays as it was written ("%FF"), as Kestrel leaves it.</summary>
    private static void AppendUtf8(StringBuilder output, ReadOnlySpan<byte> run, ReadOnlySpan<char> written)
    {
        var at = 0;
        while (at < run.Length)
        {
            if (Rune.DecodeFromUtf8(run[at..], out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                output.Append(rune.ToString());
                at += consumed;
            }
            else
            {
                output.Append(written.Slice(3 * at, 3));
                at++;
            }
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
