using System.Text.Json.Nodes;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// Changes a JSON tree structurally, at random: a value replaced by a hostile one or by a copy of another part of
/// the tree, a property deleted or added, an array element duplicated, an array emptied. Says what it did, as
/// paths, so a failing case can be read and rebuilt.
/// </summary>
internal static class JsonMutation
{
    /// <summary>Applies one mutation to <paramref name="root"/>'s property <paramref name="under"/> or below it, and describes it.</summary>
    public static string Apply(JsonObject root, string under, Random random)
    {
        var all = new List<Place>();
        Collect(root, "", all);
        var places = all.Where(p => p.Path == under || p.Path.StartsWith(under + ".", StringComparison.Ordinal)
            || p.Path.StartsWith(under + "[", StringComparison.Ordinal)).ToList();
        var objects = places.Where(p => p.Node is JsonObject { Count: > 0 }).ToList();
        var arrays = places.Where(p => p.Node is JsonArray { Count: > 0 }).ToList();
        var op = random.Next(10);
        return op switch
        {
            4 => ReplaceWithCopy(places, random),
            5 when objects.Count > 0 => DeleteProperty(Pick(objects, random), random),
            6 when arrays.Count > 0 => DuplicateElement(Pick(arrays, random), random),
            7 when arrays.Count > 0 => EmptyArray(Pick(arrays, random)),
            8 or 9 when places.Exists(p => p.Node is JsonObject) => AddProperty(Pick(places.Where(p => p.Node is JsonObject).ToList(), random), random),
            _ => ReplaceWithHostile(places, random),
        };
    }

    private static string ReplaceWithHostile(List<Place> places, Random random)
    {
        var leaves = places.Where(p => p.Node is not (JsonObject or JsonArray)).ToList();
        var place = Pick(leaves.Count > 0 && random.Next(4) > 0 ? leaves : places, random);
        var value = HostileValues.Pick(random, place.Node);
        place.Replace(value);
        return $"replace {place.Path} with {Show(value)}";
    }

    private static string ReplaceWithCopy(List<Place> places, Random random)
    {
        var place = Pick(places, random);
        var source = Pick(places, random);
        var copy = source.Node?.DeepClone();
        place.Replace(copy);
        return $"replace {place.Path} with a copy of {source.Path}: {Show(copy)}";
    }

    private static string DeleteProperty(Place place, Random random)
    {
        var obj = (JsonObject)place.Node!;
        var name = obj.ElementAt(random.Next(obj.Count)).Key;
        obj.Remove(name);
        return $"delete {place.Path}.{name}";
    }

    private static string DuplicateElement(Place place, Random random)
    {
        var array = (JsonArray)place.Node!;
        var index = random.Next(array.Count);
        array.Insert(random.Next(array.Count + 1), array[index]?.DeepClone());
        return $"duplicate {place.Path}[{index}]";
    }

    private static string EmptyArray(Place place)
    {
        ((JsonArray)place.Node!).Clear();
        return $"empty {place.Path}";
    }

    private static string AddProperty(Place place, Random random)
    {
        var name = HostileValues.PropertyName(random);
        var value = HostileValues.Pick(random);
        ((JsonObject)place.Node!)[name] = value;
        return $"set {place.Path}[\"{name}\"] to {Show(value)}";
    }

    private static void Collect(JsonNode? node, string path, List<Place> places, JsonNode? parent = null, object? key = null)
    {
        places.Add(new Place(node, path, parent, key));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    Collect(child, path.Length == 0 ? name : $"{path}.{name}", places, obj, name);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], $"{path}[{i}]", places, array, i);
                }
                break;
        }
    }

    private static string Show(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length > 80 ? $"{text[..40]}...({text.Length} chars)" : text;
    }

    private static T Pick<T>(List<T> items, Random random) => items[random.Next(items.Count)];

    /// <summary>A node and where it hangs: a property of an object or an index of an array (neither for the root).</summary>
    private sealed record Place(JsonNode? Node, string Path, JsonNode? Parent, object? Key)
    {
        public void Replace(JsonNode? value)
        {
            if (Parent is JsonObject obj)
            {
                obj[(string)Key!] = value;
            }
            else if (Parent is JsonArray array)
            {
                array[(int)Key!] = value;
            }
        }
    }
}
