using System.Text;

namespace Mesh.Gateway.Front;

/// <summary>Request field names common enough to keep one string of each instead of allocating one per request.</summary>
internal static class KnownFieldNames
{
    private static readonly string[] Names =
    [
        "Host", "Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control", "Connection", "Content-Length",
        "Content-Type", "Cookie", "Expect", "HTTP2-Settings", "If-Modified-Since", "If-None-Match", "Origin", "Pragma", "Referer",
        "TE", "Transfer-Encoding", "Upgrade", "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-Id", "traceparent",
        "tracestate", "baggage",
    ];

    private static readonly byte[][] Bytes = Array.ConvertAll(Names, Encoding.ASCII.GetBytes);

    /// <summary>The known name these bytes spell, in any case; null when none.</summary>
    public static string? Find(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Bytes.Length; i++)
        {
            if (Bytes[i].Length == name.Length && Ascii.EqualsIgnoreCase(name, Bytes[i]))
            {
                return Names[i];
            }
        }
        return null;
    }
}
