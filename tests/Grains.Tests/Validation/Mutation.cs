using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>
/// Edits a baseline at a path such as "spec.rules[0].matches[1].path.value" and validates the result.
/// A value is JSON text, except that '...' (single quotes) is a string taken verbatim, and null removes the field.
/// </summary>
internal static partial class Mutation
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonObject With(this JsonObject obj, string path, string? value)
    {
        var steps = Step().Matches(path).Select(m => m.Groups[1].Success ? (object)m.Groups[1].Value : int.Parse(m.Groups[2].Value)).ToList();
        JsonNode current = obj;
        for (var i = 0; i < steps.Count - 1; i++)
        {
            current = Get(current, steps[i]) ?? Set(current, steps[i], steps[i + 1] is int ? new JsonArray() : new JsonObject())!;
        }
        Set(current, steps[^1], value is null ? null : Value(value), remove: value is null);
        return obj;
    }

    public static IReadOnlyList<FieldError> Validate(string kind, string? path = null, string? value = null)
    {
        var obj = Parse(Baselines.Of(kind));
        return GatewayApiValidation.Validate(kind, path is null ? obj : obj.With(path, value));
    }

    public static void AssertHas(IReadOnlyList<FieldError> errors, string field, string reason, string message)
    {
        Assert.True(errors.Any(e => e.Field == field && e.Reason == reason && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected {field} {reason} \"{message}\"; got:\n{Describe(errors)}");
    }

    public static void AssertValid(IReadOnlyList<FieldError> errors) => Assert.True(errors.Count == 0, $"expected no errors; got:\n{Describe(errors)}");

    /// <summary>The list at <paramref name="path"/> takes <paramref name="max"/> items (each <paramref name="item"/> with {0} as its index) and refuses one more.</summary>
    public static void AssertItemLimit(string kind, string path, string item, int max)
    {
        string Items(int count) => Array(count, i => item.Replace("{0}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        AssertValid(Validate(kind, path, Items(max)));
        AssertHas(Validate(kind, path, Items(max + 1)), path, "FieldValueTooMany", $"must have at most {max} items");
    }

    public static string Describe(IEnumerable<FieldError> errors) => string.Join("\n", errors.Select(e => $"  {e.Field} {e.Reason}: {e.Message}"));

    /// <summary>A JSON array of <paramref name="count"/> items made by <paramref name="item"/> from the index.</summary>
    public static string Array(int count, Func<int, string> item) => $"[{string.Join(",", Enumerable.Range(0, count).Select(item))}]";

    /// <summary>A JSON string literal of <paramref name="length"/> copies of <paramref name="unit"/> after <paramref name="prefix"/>.</summary>
    public static string Text(int length, string prefix = "", char unit = 'a') => $"\"{prefix}{new string(unit, length - prefix.Length)}\"";

    private static JsonNode? Value(string text) =>
        text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? JsonValue.Create(text[1..^1]) : JsonNode.Parse(text);

    private static JsonNode? Get(JsonNode node, object step) => step is int index
        ? (node.AsArray().Count > index ? node[index] : null)
        : node[(string)step];

    private static JsonNode? Set(JsonNode node, object step, JsonNode? value, bool remove = false)
    {
        if (step is string name)
        {
            if (remove)
            {
                node.AsObject().Remove(name);
            }
            else
            {
                node[name] = value;
            }
        }
        else if (remove)
        {
            node.AsArray().RemoveAt((int)step);
        }
        else if ((int)step == node.AsArray().Count)
        {
            node.AsArray().Add(value);
        }
        else
        {
            node[(int)step] = value;
        }
        return value;
    }

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")]
    private static partial Regex Step();
}
