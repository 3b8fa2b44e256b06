using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>
/// A parsed JsonObject keeps repeated property names until first read, and then throws. The API server's
/// strict decoding rejects them ("duplicate field"), so they are reported per path instead.
/// </summary>
internal static class DuplicateFields
{
    public static IReadOnlyList<FieldError> Find(JsonObject obj)
    {
        var errors = new List<FieldError>();
        // Writing a JsonObject copies the unread parts as they came, repeats included.
        using var document = JsonDocument.Parse(obj.ToJsonString());
        Walk(document.RootElement, "", errors);
        return errors;
    }

    private static void Walk(JsonElement element, string path, List<FieldError> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (!seen.Add(property.Name))
                {
                    errors.Add(new FieldError(child, Reasons.Duplicate, $"Duplicate value: duplicate field {Json.Quote(property.Name)}"));
                }
                Walk(property.Value, child, errors);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                Walk(item, $"{path}[{index++}]", errors);
            }
        }
    }
}
