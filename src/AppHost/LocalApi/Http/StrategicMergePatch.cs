using System.Text.Json.Nodes;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// Strategic merge patch for the built-in kinds the local API serves, as <c>kubectl apply</c> and <c>kubectl patch</c>
/// send it: objects merge and null deletes, as in a merge patch, but lists the Kubernetes types key (a Service's
/// ports by port, containers and volumes by name, a container's env by name...) merge element by element, and
/// <c>metadata.finalizers</c> by value; other lists are replaced. The directives kubectl writes are honoured:
/// <c>$patch</c> (replace, delete), <c>$setElementOrder/field</c>, <c>$deleteFromPrimitiveList/field</c> and
/// <c>$retainKeys</c>. The API server serves it for built-in kinds only; custom resources get merge patches.
/// </summary>
internal static class StrategicMergePatch
{
    public const string MediaType = "application/strategic-merge-patch+json";

    // The pod spec's keyed lists, under a Pod's "spec" and a Deployment's "spec.template.spec".
    private static readonly (string Path, string Key)[] PodSpecLists =
    [
        ("containers", "name"), ("initContainers", "name"), ("ephemeralContainers", "name"), ("volumes", "name"),
        ("imagePullSecrets", "name"), ("hostAliases", "ip"),
        ("containers.ports", "containerPort"), ("containers.env", "name"), ("containers.volumeMounts", "mountPath"),
        ("containers.volumeDevices", "devicePath"),
        ("initContainers.ports", "containerPort"), ("initContainers.env", "name"), ("initContainers.volumeMounts", "mountPath"),
    ];

    /// <summary>Lists merged by a key, by their path of field names from the object (list elements add none).</summary>
    private static readonly Dictionary<string, string> MergeKeys = new[]
        {
            ("metadata.ownerReferences", "uid"),
            ("spec.ports", "port"), // Service.
            ("status.conditions", "type"),
        }
        .Concat(PodSpecLists.Select(l => ("spec." + l.Path, l.Key)))
        .Concat(PodSpecLists.Select(l => ("spec.template.spec." + l.Path, l.Key)))
        .ToDictionary(l => l.Item1, l => l.Item2, StringComparer.Ordinal);

    /// <summary>Lists of values merged as sets.</summary>
    private static readonly HashSet<string> MergedValueLists = new(StringComparer.Ordinal) { "metadata.finalizers" };

    public static void Apply(JsonObject target, JsonObject patch) => MergeObject(target, patch, "");

    private static void MergeObject(JsonObject target, JsonObject patch, string path)
    {
        List<(string Field, JsonArray Order)>? orders = null;
        JsonArray? retainKeys = null;
        foreach (var (key, value) in patch)
        {
            if (key == "$patch")
            {
                continue; // "merge" is the default; "replace" and "delete" are handled by whoever holds this object.
            }
            if (key == "$retainKeys")
            {
                retainKeys = value as JsonArray;
                continue;
            }
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                if (value is JsonArray order)
                {
                    (orders ??= []).Add((key["$setElementOrder/".Length..], order));
                }
                continue;
            }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray values && value is JsonArray deleted)
                {
                    RemoveWhere(values, item => deleted.Any(d => JsonNode.DeepEquals(d, item)));
                }
                continue;
            }
            var fieldPath = Child(path, key);
            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case JsonObject nested when Directive(nested) == "delete":
                    target.Remove(key);
                    break;
                case JsonObject nested when Directive(nested) != "replace":
                    // Into the object there is, or an empty one: nulls and deletions in a new object are not stored.
                    if (target[key] is not JsonObject existing)
                    {
                        existing = [];
                        target[key] = existing;
                    }
                    MergeObject(existing, nested, fieldPath);
                    break;
                case JsonArray list:
                    // Into the list there is, or an empty one: a new list's elements marked for deletion are not kept.
                    if (target[key] is not JsonArray into)
                    {
                        into = [];
                        target[key] = into;
                    }
                    MergeList(into, list, fieldPath, target, key);
                    break;
                default:
                    target[key] = WithoutDirectives(value);
                    break;
            }
        }
        foreach (var (field, order) in orders ?? [])
        {
            if (target[field] is JsonArray list)
            {
                Order(list, order, MergeKeys.GetValueOrDefault(Child(path, field)));
            }
        }
        if (retainKeys is not null)
        {
            foreach (var key in target.Select(p => p.Key).Where(k => !retainKeys.Any(r => r?.ToString() == k)).ToList())
            {
                target.Remove(key);
            }
        }
    }

    private static void MergeList(JsonArray existing, JsonArray patch, string path, JsonObject owner, string field)
    {
        if (patch.Any(item => item is JsonObject { Count: 1 } && Directive(item) == "replace"))
        {
            owner[field] = new JsonArray([.. patch.Where(item => Directive(item) is null).Select(WithoutDirectives)]);
            return;
        }
        if (MergedValueLists.Contains(path))
        {
            foreach (var item in patch.Where(item => !existing.Any(e => JsonNode.DeepEquals(e, item))))
            {
                existing.Add(item?.DeepClone());
            }
            return;
        }
        if (!MergeKeys.TryGetValue(path, out var mergeKey))
        {
            owner[field] = WithoutDirectives(patch); // Lists without a strategy are replaced, as in a merge patch.
            return;
        }
        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = item[mergeKey];
            var match = existing.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[mergeKey], key));
            if (Directive(item) == "delete")
            {
                RemoveWhere(existing, e => e is JsonObject obj && JsonNode.DeepEquals(obj[mergeKey], key));
            }
            else if (match is not null)
            {
                MergeObject(match, item, path);
            }
            else
            {
                existing.Add(WithoutDirectives(item));
            }
        }
    }

    /// <summary>The path of a field below <paramref name="path"/>, as <see cref="MergeKeys"/> names it.</summary>
    private static string Child(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    /// <summary>An element's or object's <c>$patch</c> directive (replace, delete, merge), or null.</summary>
    private static string? Directive(JsonNode? node) => (node as JsonObject)?["$patch"]?.ToString();

    /// <summary>$setElementOrder: the listed elements first, in that order; any others after them, as they were.</summary>
    private static void Order(JsonArray list, JsonArray order, string? mergeKey)
    {
        var items = list.ToList();
        JsonNode? KeyOf(JsonNode? item) => mergeKey is null ? item : item?[mergeKey];
        var ordered = order
            .Select(o => items.FirstOrDefault(i => JsonNode.DeepEquals(KeyOf(i), mergeKey is null ? o : o?[mergeKey])))
            .Where(i => i is not null)
            .Distinct()
            .ToList();
        ordered.AddRange(items.Where(i => !ordered.Contains(i)));
        list.Clear();
        foreach (var item in ordered)
        {
            list.Add(item);
        }
    }

    private static void RemoveWhere(JsonArray list, Func<JsonNode?, bool> remove)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (remove(list[i]))
            {
                list.RemoveAt(i);
            }
        }
    }

    /// <summary>A copy to store: directives are instructions, never fields.</summary>
    private static JsonNode? WithoutDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (!key.StartsWith('$'))
                    {
                        copy[key] = WithoutDirectives(value);
                    }
                }
                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(WithoutDirectives)]);
            default:
                return node?.DeepClone();
        }
    }
}
