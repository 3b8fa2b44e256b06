using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Grains.Model;

/// <summary>
/// The Gateway API Duration (GEP-2257): one to four number+unit pairs, units h, m, s, ms, each number up
/// to five digits, e.g. "1h", "30s", "1m30s", "500ms". "0s" means no timeout.
/// </summary>
public static partial class GatewayDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null || !Shape().IsMatch(text))
        {
            return false;
        }
        foreach (Match part in Part().Matches(text))
        {
            var value = long.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        }
        return true;
    }

    [GeneratedRegex("^([0-9]{1,5}(h|m|s|ms)){1,4}$")]
    private static partial Regex Shape();

    [GeneratedRegex("([0-9]{1,5})(ms|h|m|s)")]
    private static partial Regex Part();
}
