using System.Text.Json.Nodes;
using Mesh.Grains.Model;
using Mesh.Grains.Status;

namespace Mesh.Silo.Status;

/// <summary>Merges Mesh's desired parent statuses into a route object (pure, so it is testable alone).</summary>
public static class RouteStatusMerge
{
    /// <summary>The route with Mesh's status entries replaced, or null when nothing would change.</summary>
    public static JsonObject? Merge(JsonObject route, RouteStatus desired, DateTimeOffset now)
    {
        var existing = route["status"]?["parents"] as JsonArray ?? [];
        var ours = existing.OfType<JsonObject>().Where(IsMeshEntry).ToList();
        var others = existing.OfType<JsonObject>().Where(p => !IsMeshEntry(p)).ToList();

        var next = new JsonArray();
        foreach (var parent in desired.Parents)
        {
            var parentRef = KubernetesJson.ToNode(parent.ParentRef)!;
            var previous = ours.FirstOrDefault(p => JsonNode.DeepEquals(p["parentRef"], parentRef));
            var conditions = new JsonArray();
            foreach (var condition in parent.Conditions)
            {
                var before = (previous?["conditions"] as JsonArray)?.OfType<JsonObject>()
                    .FirstOrDefault(c => c["type"]?.GetValue<string>() == condition.Type);
                var keepTime = before?["status"]?.GetValue<string>() == condition.Status
                    && before["lastTransitionTime"] is not null;
                conditions.Add(KubernetesJson.ToNode(condition with
                {
                    LastTransitionTime = keepTime
                        ? DateTimeOffset.Parse(before!["lastTransitionTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                        : TruncateToSeconds(now),
                }));
            }
            next.Add(new JsonObject
            {
                ["parentRef"] = parentRef,
                ["controllerName"] = parent.ControllerName,
                ["conditions"] = conditions,
            });
        }

        if (SameEntries(ours, next))
        {
            return null;
        }
        var updated = (JsonObject)route.DeepClone();
        var parents = new JsonArray();
        foreach (var other in others)
        {
            parents.Add(other.DeepClone());
        }
        foreach (var entry in next)
        {
            parents.Add(entry!.DeepClone());
        }
        var status = updated["status"] as JsonObject ?? [];
        status["parents"] = parents;
        updated["status"] = status;
        return updated;
    }

    /// <summary>Whether the route's status holds an entry written by Mesh.</summary>
    public static bool HasEntriesOfMesh(JsonObject route) =>
        (route["status"]?["parents"] as JsonArray)?.OfType<JsonObject>().Any(IsMeshEntry) == true;

    private static bool IsMeshEntry(JsonObject parent) =>
        parent["controllerName"] is JsonValue name && name.TryGetValue<string>(out var text) && text == MeshController.Name;

    private static bool SameEntries(List<JsonObject> ours, JsonArray next) =>
        ours.Count == next.Count && ours.Zip(next).All(pair => JsonNode.DeepEquals(Normalize(pair.First), Normalize(pair.Second!)));

    /// <summary>Times compared as instants, so "Z" and "+00:00" spellings do not count as a change.</summary>
    private static JsonNode Normalize(JsonNode entry)
    {
        var copy = entry.DeepClone();
        foreach (var condition in (copy["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (condition["lastTransitionTime"]?.GetValue<string>() is { } time)
            {
                condition["lastTransitionTime"] = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
            }
        }
        return copy;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
