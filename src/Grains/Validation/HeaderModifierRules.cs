namespace Mesh.Grains.Validation;

/// <summary>HTTPHeaderFilter (requestHeaderModifier / responseHeaderModifier).</summary>
internal static class HeaderModifierRules
{
    public static void Validate(Cursor modifier)
    {
        if (modifier.ReadObject() is null)
        {
            return;
        }
        Headers(modifier.Field("set"));
        Headers(modifier.Field("add"));
        var remove = modifier.Field("remove");
        if (remove.ReadList(16) is not null)
        {
            foreach (var name in remove.Items())
            {
                name.ReadString(Formats.Any);
            }
            remove.UniqueValues();
        }
    }

    // set and add are maps keyed by name: the API server compares names exactly, so "X-A" and "x-a" may coexist.
    private static void Headers(Cursor headers)
    {
        if (headers.ReadList(16) is null)
        {
            return;
        }
        foreach (var header in headers.Items())
        {
            if (header.ReadObject() is not null)
            {
                header.Field("name").ReadString(Formats.HeaderName, required: true);
                header.Field("value").ReadString(Formats.HeaderValue, required: true);
            }
        }
        headers.UniqueBy("name");
    }
}
