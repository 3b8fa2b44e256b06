using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>spec.parentRefs (ParentReference), with the experimental channel's port-aware uniqueness rules.</summary>
internal static class ParentRefRules
{
    public static void List(Cursor parentRefs)
    {
        if (parentRefs.ReadList(32) is null)
        {
            return;
        }
        foreach (var parentRef in parentRefs.Items())
        {
            One(parentRef);
        }
        var refs = Json.Objects(parentRefs.Node).ToList();
        parentRefs.Rule("sectionName or port must be specified when parentRefs includes 2 or more references to the same parent",
            () => refs.TrueForAll(p1 => refs.TrueForAll(p2 => !SameParent(p1, p2) ||
                ((Section(p1) is null) == (Section(p2) is null) && (Port(p1) is null) == (Port(p2) is null)))));
        parentRefs.Rule("sectionName or port must be unique when parentRefs includes 2 or more references to the same parent",
            () => refs.TrueForAll(p1 => Json.ExactlyOne(refs, p2 =>
                SameParent(p1, p2) && Section(p1) == Section(p2) && Port(p1) == Port(p2))));
    }

    public static void One(Cursor parentRef)
    {
        if (parentRef.ReadObject() is null)
        {
            return;
        }
        parentRef.Field("group").ReadString(Formats.Group);
        parentRef.Field("kind").ReadString(Formats.Kind);
        parentRef.Field("namespace").ReadString(Formats.Namespace);
        parentRef.Field("name").ReadString(Formats.ObjectName, required: true);
        parentRef.Field("sectionName").ReadString(Formats.SectionName);
        parentRef.Field("port").ReadInteger(1, 65535);
    }

    // The CEL compares defaulted group/kind; an unset or empty namespace only equals another unset or empty one.
    private static bool SameParent(JsonObject a, JsonObject b) =>
        Group(a) == Group(b) && Kind(a) == Kind(b) && Json.Text(a["name"]) == Json.Text(b["name"]) &&
        Optional(Json.Text(a["namespace"])) == Optional(Json.Text(b["namespace"]));

    private static string Group(JsonObject parentRef) => Json.Text(parentRef["group"]) ?? "gateway.networking.k8s.io";

    private static string Kind(JsonObject parentRef) => Json.Text(parentRef["kind"]) ?? "Gateway";

    // Unset and empty sectionName are the same "whole parent"; so are unset and 0 port.
    private static string? Section(JsonObject parentRef) => Optional(Json.Text(parentRef["sectionName"]));

    private static long? Port(JsonObject parentRef) => Json.Integer(parentRef["port"]) is { } port and not 0 ? port : null;

    private static string? Optional(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
