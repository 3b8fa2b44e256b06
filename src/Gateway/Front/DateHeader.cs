using System.Globalization;
using System.Text;

namespace Mesh.Gateway.Front;

/// <summary>The Date field for answers the gateway writes itself, formatted once a second rather than per response.</summary>
internal static class DateHeader
{
    private sealed record Stamp(long Second, byte[] Line, string Value);

    private static Stamp _current = new(-1, [], "");

    /// <summary>"Date: ...\r\n" for the current second.</summary>
    public static ReadOnlySpan<byte> Line => Current.Line;

    /// <summary>The field's value for the current second.</summary>
    public static string Value => Current.Value;

    private static Stamp Current
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var second = now.ToUnixTimeSeconds();
            var stamp = _current;
            if (stamp.Second != second)
            {
                var value = now.ToString("r", CultureInfo.InvariantCulture);
                stamp = new Stamp(second, Encoding.ASCII.GetBytes($"Date: {value}\r\n"), value);
                _current = stamp;
            }
            return stamp;
        }
    }
}
