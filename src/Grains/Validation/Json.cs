using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>Reads JSON values without throwing: a value of another type reads as absent.</summary>
internal static class Json
{
    public static string? Text(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        // Values built in code (char, Guid...) do not convert to string; their JSON text does.
        return value.TryGetValue(out string? text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString());
    }

    /// <summary>An integral JSON number (1 and 1.0 alike, as the API server's integer type accepts), clamped to the long range.</summary>
    public static long? Integer(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (value.TryGetValue(out long integer))
        {
            return integer;
        }
        // Values built in code (short, uint, decimal...) do not convert to long; their JSON text does.
        if (double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && Math.Floor(real) == real)
        {
            return real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)real;
        }
        return null;
    }

    public static bool? Boolean(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>The object items of a list (a missing list has none).</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? list) => (list as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>CEL's exists_one: exactly one item satisfies the predicate.</summary>
    public static bool ExactlyOne<T>(IEnumerable<T> items, Func<T, bool> predicate) => items.Count(predicate) == 1;

    /// <summary>How the API server shows a value in an error body: strings quoted, numbers as written, objects by type.</summary>
    public static string Show(JsonNode? node) => node switch
    {
        null => "\"null\"",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ when Text(node) is { } text => Quote(text),
        _ => node.ToJsonString(),
    };

    public static string Quote(string text)
    {
        var quoted = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (var ch in text)
        {
            _ = ch switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                < ' ' => quoted.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture)),
                _ => quoted.Append(ch),
            };
        }
        return quoted.Append('"').ToString();
    }
}
