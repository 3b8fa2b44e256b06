using System.Globalization;

namespace Mesh.AppHost.LocalApi.Http.Tables;

/// <summary>Durations as the Kubernetes printers show ages: "45s", "3m20s", "5h12m", "12d".</summary>
internal static class HumanDuration
{
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return Text($"{seconds}s");
        }
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? Text($"{minutes}m") : Text($"{minutes}m{seconds % 60}s");
        }
        if (minutes < 60 * 3)
        {
            return Text($"{minutes}m");
        }
        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? Text($"{hours}h") : Text($"{hours}h{minutes % 60}m");
        }
        if (hours < 48)
        {
            return Text($"{hours}h");
        }
        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? Text($"{hours / 24}d") : Text($"{hours / 24}d{hours % 24}h");
        }
        if (hours < 24 * 365 * 2)
        {
            return Text($"{hours / 24}d");
        }
        return hours < 24 * 365 * 8 ? Text($"{hours / 24 / 365}y{hours / 24 % 365}d") : Text($"{hours / 24 / 365}y");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
