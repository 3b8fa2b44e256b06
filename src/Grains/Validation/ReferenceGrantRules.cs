namespace Mesh.Grains.Validation;

/// <summary>ReferenceGrant (v1beta1): from and to, each 1..16 entries; no CEL.</summary>
internal static class ReferenceGrantRules
{
    public static void Spec(Cursor spec)
    {
        var from = spec.Field("from");
        if (from.ReadList(16, minItems: 1, required: true) is not null)
        {
            foreach (var entry in from.Items())
            {
                if (entry.ReadObject() is not null)
                {
                    entry.Field("group").ReadString(Formats.Group, required: true);
                    entry.Field("kind").ReadString(Formats.Kind, required: true);
                    entry.Field("namespace").ReadString(Formats.Namespace, required: true);
                }
            }
        }
        var to = spec.Field("to");
        if (to.ReadList(16, minItems: 1, required: true) is not null)
        {
            foreach (var entry in to.Items())
            {
                if (entry.ReadObject() is not null)
                {
                    entry.Field("group").ReadString(Formats.Group, required: true);
                    entry.Field("kind").ReadString(Formats.Kind, required: true);
                    entry.Field("name").ReadString(Formats.ObjectName);
                }
            }
        }
    }
}
