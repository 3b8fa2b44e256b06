using System.Text;

namespace Mesh.Gateway.Front.Http2;

/// <summary>The fields HTTP/2 forbids (RFC 9113 §8.2.2): they describe one HTTP/1.1 connection, not the message.</summary>
internal static class ConnectionSpecificFields
{
    private static readonly string[] Names = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

    /// <summary>A request's field name as received (lowercase, as HTTP/2 requires).</summary>
    public static bool Contains(ReadOnlySpan<byte> name)
    {
        foreach (var known in Names)
        {
            if (Ascii.Equals(name, known))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A response's field name, in any case.</summary>
    public static bool Contains(string name)
    {
        foreach (var known in Names)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
