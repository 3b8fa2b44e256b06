using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>The OpenAPI part of the CRDs: required, type, length, pattern, enum, range, maxItems, list types.</summary>
internal static class SchemaChecks
{
    public static JsonObject? ReadObject(this Cursor at, bool required = false)
    {
        if (!at.Present && required)
        {
            at.Required();
        }
        return at.AsObject();
    }

    public static string? ReadString(this Cursor at, StringFormat format, bool required = false)
    {
        if (!at.Present && required)
        {
            at.Required();
        }
        var value = at.AsString();
        if (value is not null)
        {
            format.Check(at, value);
        }
        return value;
    }

    public static string? ReadEnum(this Cursor at, IReadOnlyCollection<string> values, bool required = false)
    {
        if (!at.Present && required)
        {
            at.Required();
        }
        var value = at.AsString();
        if (value is not null && !values.Contains(value))
        {
            at.NotSupported(values);
        }
        return value;
    }

    public static long? ReadInteger(this Cursor at, long? minimum = null, long? maximum = null, bool required = false)
    {
        if (!at.Present && required)
        {
            at.Required();
        }
        var value = at.AsInteger();
        if (value < minimum)
        {
            at.Invalid($"should be greater than or equal to {minimum}");
        }
        if (value > maximum)
        {
            at.Invalid($"should be less than or equal to {maximum}");
        }
        return value;
    }

    public static long? ReadIntegerEnum(this Cursor at, IReadOnlyCollection<long> values)
    {
        var value = at.AsInteger();
        if (value is { } number && !values.Contains(number))
        {
            at.NotSupported(values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return value;
    }

    /// <summary>A list with its item count limits; null when absent or not a list.</summary>
    public static JsonArray? ReadList(this Cursor at, int maxItems, int minItems = 0, bool required = false)
    {
        if (!at.Present && required)
        {
            at.Required();
        }
        var list = at.AsArray();
        if (list is null)
        {
            return null;
        }
        if (list.Count > maxItems)
        {
            at.TooMany(list.Count, maxItems);
        }
        if (list.Count < minItems)
        {
            at.TooFew(list.Count, minItems);
        }
        return list;
    }

    public static IEnumerable<Cursor> Items(this Cursor list)
    {
        var count = (list.Node as JsonArray)?.Count ?? 0;
        for (var i = 0; i < count; i++)
        {
            yield return list.Item(i);
        }
    }

    /// <summary>x-kubernetes-list-type: map keyed by one field: the key must be unique, compared exactly (case-sensitive).</summary>
    public static void UniqueBy(this Cursor list, string key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items())
        {
            if (Json.Text((item.Node as JsonObject)?[key]) is { } value && !seen.Add(value))
            {
                item.Duplicate($"{{\"{key}\":{Json.Quote(value)}}}");
            }
        }
    }

    /// <summary>x-kubernetes-list-type: set: every item must be unique.</summary>
    public static void UniqueValues(this Cursor list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items())
        {
            if (item.Node is JsonValue value && !seen.Add(value.ToJsonString()))
            {
                item.Duplicate(Json.Show(value));
            }
        }
    }
}
