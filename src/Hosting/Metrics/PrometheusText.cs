using System.Globalization;
using System.Text;

namespace Mesh.Hosting.Metrics;

/// <summary>The pieces of the Prometheus text exposition format (version 0.0.4).</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Header(StringBuilder output, string name, string help, string type)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>"{a="x",b="y"}" (or "" without labels), with an optional extra label such as le.</summary>
    public static string Labels(string[] names, LabelValues values, string? extraName = null, string? extraValue = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var parts = new List<string>(names.Length + 1);
        for (var i = 0; i < names.Length; i++)
        {
            parts.Add($"{names[i]}=\"{Escape(values[i] ?? "")}\"");
        }
        if (extraName is not null)
        {
            parts.Add($"{extraName}=\"{Escape(extraValue ?? "")}\"");
        }
        return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
    }

    public static string Number(double value) => double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("G17", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
