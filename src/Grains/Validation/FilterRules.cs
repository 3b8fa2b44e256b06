using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>Filter lists (rule and backendRef level): the list CEL, and each filter's discriminator/member agreement.</summary>
internal static class FilterRules
{
    public static void List(Cursor filters, FilterDialect dialect)
    {
        if (filters.ReadList(16) is null)
        {
            return;
        }
        foreach (var filter in filters.Items())
        {
            One(filter, dialect);
        }
        var types = Json.Objects(filters.Node).Select(f => Json.Text(f["type"])).ToList();
        if (dialect.RedirectExcludesRewrite)
        {
            filters.Rule("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                () => !(types.Contains("RequestRedirect") && types.Contains("URLRewrite")));
        }
        foreach (var type in dialect.NotRepeatable)
        {
            filters.Rule($"{type} filter cannot be repeated", () => types.Count(t => t == type) <= 1);
        }
    }

    private static void One(Cursor filter, FilterDialect dialect)
    {
        var obj = filter.ReadObject();
        if (obj is null)
        {
            return;
        }
        filter.Field("type").ReadEnum(dialect.Types, required: true);
        foreach (var (type, member, validate) in dialect.Members)
        {
            validate(filter.Field(member));
            filter.Rule($"filter.{member} must be nil if the filter.type is not {type}",
                () => obj[member] is null || Json.Text(obj["type"]) == type);
            filter.Rule($"filter.{member} must be specified for {type} filter.type",
                () => obj[member] is not null || Json.Text(obj["type"]) != type);
        }
    }

    /// <summary>LocalObjectReference: group, kind and name are all required (group may be "" for the core group).</summary>
    public static void ExtensionRef(Cursor reference)
    {
        if (reference.ReadObject() is null)
        {
            return;
        }
        reference.Field("group").ReadString(Formats.Group, required: true);
        reference.Field("kind").ReadString(Formats.Kind, required: true);
        reference.Field("name").ReadString(Formats.ObjectName, required: true);
    }
}
