using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.LocalApi.Selectors;

/// <summary>The label and field selectors of a list or watch request, applied together.</summary>
internal sealed record ObjectFilter(LabelSelector Labels, FieldSelector Fields)
{
    public static ObjectFilter Parse(string? labelSelector, string? fieldSelector) =>
        new(LabelSelector.Parse(labelSelector), FieldSelector.Parse(fieldSelector));

    public bool Matches(StoredObject obj) => Labels.Matches(obj.Labels) && Fields.Matches(obj);
}
