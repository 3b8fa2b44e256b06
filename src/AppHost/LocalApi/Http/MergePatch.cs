using System.Text.Json.Nodes;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>JSON merge patch (RFC 7386): objects merge, null deletes, anything else replaces.</summary>
internal static class MergePatch
{
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject nested)
            {
                if (target[key] is not JsonObject existing)
                {
                    existing = [];
                    target[key] = existing;
                }
                Apply(existing, nested);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
