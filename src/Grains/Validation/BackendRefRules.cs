using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>BackendObjectReference (rule, mirror and external auth backends) and the weighted BackendRef with its filters.</summary>
internal static class BackendRefRules
{
    public static void List(Cursor backendRefs, FilterDialect filters)
    {
        if (backendRefs.ReadList(16) is null)
        {
            return;
        }
        foreach (var backendRef in backendRefs.Items())
        {
            if (ObjectReference(backendRef) is not null)
            {
                backendRef.Field("weight").ReadInteger(0, 1_000_000);
                FilterRules.List(backendRef.Field("filters"), filters);
            }
        }
    }

    public static JsonObject? ObjectReference(Cursor reference, bool required = false)
    {
        var obj = reference.ReadObject(required);
        if (obj is null)
        {
            return null;
        }
        reference.Field("group").ReadString(Formats.Group);
        reference.Field("kind").ReadString(Formats.Kind);
        reference.Field("name").ReadString(Formats.ObjectName, required: true);
        reference.Field("namespace").ReadString(Formats.Namespace);
        reference.Field("port").ReadInteger(1, 65535);
        // group defaults to "" and kind to Service, so a bare {name} is a Service reference and needs a port.
        reference.Rule("Must have port for Service reference", () =>
            !((Json.Text(obj["group"]) ?? "").Length == 0 && (Json.Text(obj["kind"]) ?? "Service") == "Service") ||
            obj["port"] is not null);
        return obj;
    }
}
