using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Errors;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// JSON merge patch (RFC 7386): objects merge, null deletes, anything else replaces. A strategic merge
/// patch is applied the same way when that gives the same result: no <c>$</c> directives and no lists of
/// objects (which a strategic patch would merge by key rather than replace); other strategic patches are
/// refused instead of being applied wrongly.
/// </summary>
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

    /// <exception cref="LocalApiException">415 when the strategic patch needs key-wise list merging.</exception>
    public static void CheckStrategicSubset(JsonNode? patch)
    {
        switch (patch)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.StartsWith('$'))
                    {
                        throw Unsupported($"directive {key}");
                    }
                    CheckStrategicSubset(value);
                }
                break;
            case JsonArray array when array.Any(item => item is JsonObject):
                throw Unsupported("a list of objects");
        }
    }

    private static LocalApiException Unsupported(string what) =>
        new(415, "UnsupportedMediaType",
            $"the local API applies strategic merge patches as JSON merge patches and cannot apply one with {what}; send a full update (PUT) or a merge patch instead");
}
