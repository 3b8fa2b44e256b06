namespace Mesh.Grains.Validation;

/// <summary>HTTPCORSFilter (experimental in v1.4).</summary>
internal static class CorsRules
{
    private static readonly string[] Methods = [.. HttpMatchRules.Methods, "*"];

    public static void Validate(Cursor cors)
    {
        if (cors.ReadObject() is null)
        {
            return;
        }
        Set(cors.Field("allowOrigins"), 64, item => item.ReadString(Formats.CorsOrigin), "AllowOrigins cannot contain '*' alongside other origins");
        cors.Field("allowCredentials").AsBoolean();
        Set(cors.Field("allowMethods"), 9, item => item.ReadEnum(Methods), "AllowMethods cannot contain '*' alongside other methods");
        Set(cors.Field("allowHeaders"), 64, item => item.ReadString(Formats.HeaderName), wildcardRule: null);
        Set(cors.Field("exposeHeaders"), 64, item => item.ReadString(Formats.HeaderName), wildcardRule: null);
        cors.Field("maxAge").ReadInteger(1);
    }

    // Every CORS list is a set; origins and methods also reject '*' next to other values.
    private static void Set(Cursor list, int maxItems, Action<Cursor> item, string? wildcardRule)
    {
        var items = list.ReadList(maxItems);
        if (items is null)
        {
            return;
        }
        foreach (var entry in list.Items())
        {
            item(entry);
        }
        list.UniqueValues();
        if (wildcardRule is not null)
        {
            list.Rule(wildcardRule, () => !(items.Count > 1 && items.Any(i => Json.Text(i) == "*")));
        }
    }
}
