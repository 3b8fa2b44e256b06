using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Conformance.Tests.Harness;

namespace Mesh.Conformance.Tests.Report;

/// <summary>
/// Reads and writes report YAML in the upstream style: keys sorted alphabetically at every level (as
/// sigs.k8s.io/yaml writes them), block style, two-space indents, strings quoted only when YAML would
/// read them as something else.
/// </summary>
public static partial class ReportYaml
{
    public static string Write(JsonNode node, string? header = null)
    {
        var sb = new StringBuilder();
        if (header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                sb.Append("# ").Append(line).Append('\n');
            }
        }
        WriteNode(sb, node, 0, inSequence: false);
        return sb.ToString();
    }

    public static JsonObject Read(string path) =>
        YamlDocuments.ReadFile(path).SingleOrDefault() ?? throw new InvalidDataException($"{path}: expected one YAML document");

    private static void WriteNode(StringBuilder sb, JsonNode node, int indent, bool inSequence)
    {
        switch (node)
        {
            case JsonObject obj:
                var first = true;
                foreach (var (key, value) in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (value is null)
                    {
                        continue;
                    }
                    // The first key of a sequence item shares the "- " line.
                    if (!(inSequence && first))
                    {
                        sb.Append(' ', indent);
                    }
                    first = false;
                    sb.Append(Scalar(key)).Append(':');
                    WriteValue(sb, value, indent);
                }
                if (first)
                {
                    sb.Append(inSequence ? "{}\n" : "");
                }
                break;
            default:
                throw new ArgumentException("a report is an object");
        }
    }

    private static void WriteValue(StringBuilder sb, JsonNode value, int indent)
    {
        switch (value)
        {
            case JsonObject child when child.Count == 0:
                sb.Append(" {}\n");
                break;
            case JsonObject child:
                sb.Append('\n');
                WriteNode(sb, child, indent + 2, inSequence: false);
                break;
            case JsonArray array when array.Count == 0:
                sb.Append(" []\n");
                break;
            case JsonArray array:
                sb.Append('\n');
                foreach (var item in array)
                {
                    sb.Append(' ', indent).Append("- ");
                    if (item is JsonObject itemObject)
                    {
                        WriteNode(sb, itemObject, indent + 2, inSequence: true);
                    }
                    else
                    {
                        sb.Append(ScalarValue(item!)).Append('\n');
                    }
                }
                break;
            default:
                sb.Append(' ').Append(ScalarValue(value)).Append('\n');
                break;
        }
    }

    private static string ScalarValue(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => Scalar(value.GetValue<string>()),
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new ArgumentException($"unsupported value {value}"),
    };

    /// <summary>A string as a plain scalar when that reads back as the same string, else double-quoted.</summary>
    private static string Scalar(string text) => Plain().IsMatch(text) && !LooksTyped().IsMatch(text)
        ? text
        : JsonSerializer.Serialize(text, QuotedOptions);

    private static readonly JsonSerializerOptions QuotedOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Letters, digits and a few safe punctuation marks, not starting with an indicator character.
    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./:+\- ]*$")]
    private static partial Regex Plain();

    // Could read as a number, timestamp, boolean or null (anything starting with a digit is quoted, as
    // upstream quotes dates and versions); or has ": " or a trailing space or colon.
    [GeneratedRegex(@"^([-+]?[0-9].*|true|false|yes|no|on|off|null|~|y|n)$|: | $|:$", RegexOptions.IgnoreCase)]
    private static partial Regex LooksTyped();

    /// <summary>RFC 3339, UTC, whole seconds, as report dates are written.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
