using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.TestSupport.Fuzz;

/// <summary>
/// Breaks a valid JSON object at random: one to four mutations, each a value anywhere in it replaced by a
/// hostile one (wrong types, empty and oversized strings, control characters, numbers out of range,
/// regular expressions that cannot run), a property deleted or added, an array element repeated or an
/// array emptied.
/// </summary>
public static class JsonMutations
{
    private static readonly Func<JsonNode?>[] Hostile =
    [
        () => "", () => new string('a', 300), () => "a\r\nb", () => "\u0000", () => "\ud800x", () => "é", () => " ", () => "/../", () => "(a+)+$", () => "[",
        () => "*", () => "Service", () => "HTTPRoute", () => "PathPrefix", () => "RegularExpression", () => "https", () => "1h", () => "0s",
        () => "-1s", () => "99999999h", () => "core", () => "/a//b", () => "%2F", () => "x-Y_z", () => "UPPER.case", () => -1, () => 0,
        () => 1, () => 65536, () => 301, () => 399, () => 2147483648L, () => 1e100, () => 1.5, () => true, () => null, () => new JsonArray(),
        () => new JsonObject(), () => new JsonArray("a", 1), () => new JsonObject { ["unknown"] = 1 },
        // Longer than a status condition's message may be; patterns that compile only inside a group around them.
        () => new string('/', 40_000), () => "a)|(b", () => "/x)|(.*", () => "(?x)a#",
    ];

    private static readonly JsonValueKind?[] HostileKinds = [.. Hostile.Select(value => value()?.GetValueKind())];

    /// <summary>
    /// A mutated deep copy of <paramref name="seed"/>. With <paramref name="keepTypes"/>, a value is replaced by a
    /// hostile one of its own JSON type three times in four, for a reader that skips an object with a value of the
    /// wrong type and would otherwise see little else.
    /// </summary>
    public static JsonObject Apply(JsonObject seed, Random random, bool keepTypes = false)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(random);
        var copy = seed.DeepClone().AsObject();
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
        {
            Mutate(copy, random, keepTypes);
        }
        return copy;
    }

    private static void Mutate(JsonObject root, Random random, bool keepTypes)
    {
        var places = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, places);
        if (places.Count == 0)
        {
            return;
        }
        var (parent, key, index) = places[random.Next(places.Count)];
        var node = key is not null ? parent[key] : parent[index];
        switch (random.Next(6))
        {
            case 0 when key is not null:
                parent.AsObject().Remove(key);
                break;
            case 1 when node is JsonArray array && array.Count > 0:
                array.Add(array[random.Next(array.Count)]?.DeepClone());
                break;
            case 2 when node is JsonArray array:
                array.Clear();
                break;
            case 3 when node is JsonObject obj:
                obj[$"unknownField{random.Next(100)}"] = Hostile[random.Next(Hostile.Length)]();
                break;
            default:
                Replace(parent, key, index, keepTypes ? OfTypeMostly(node, random) : Hostile[random.Next(Hostile.Length)]());
                break;
        }
    }

    private static JsonNode? OfTypeMostly(JsonNode? current, Random random)
    {
        var kind = current?.GetValueKind();
        var sameKind = kind is null || random.Next(4) == 0 ? [] : HostileKinds.Index().Where(k => k.Item == kind).Select(k => k.Index).ToList();
        return Hostile[sameKind.Count > 0 ? sameKind[random.Next(sameKind.Count)] : random.Next(Hostile.Length)]();
    }

    private static void Replace(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (key is not null)
        {
            parent.AsObject()[key] = value;
        }
        else
        {
            parent.AsArray()[index] = value;
        }
    }

    /// <summary>Every value below <paramref name="node"/>, as its container and its place there.</summary>
    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> into)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                into.Add((obj, key, -1));
                if (value is not null)
                {
                    Collect(value, into);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                into.Add((array, null, i));
                if (array[i] is { } item)
                {
                    Collect(item, into);
                }
            }
        }
    }
}
