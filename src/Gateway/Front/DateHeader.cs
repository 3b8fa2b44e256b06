using System.Globalization;
using System.Text;

namespace Mesh.Gateway.Front;

/// <summary>The Date field for answers the gateway writes itself, formatted once a second rather than per response.</summary>
internal static class DateHeader
{
    private sealed record Stamp(long Second, byte[] Line);

    private static Stamp _current = new(-1, []);

    /// <summary>"Date: ...\r\n" for the current second.</summary>
    public static ReadOnlySpan<byte> Line
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var second = now.ToUnixTimeSeconds();
            var stamp = _current;
            if (stamp.Second != second)
            {
                stamp = new Stamp(second, Encoding.ASCII.GetBytes($"Date: {now.ToString("r", CultureInfo.InvariantCulture)}\r\n"));
                _current = stamp;
            }
            return stamp.Line;
        }
    }
}
