using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// A REST path of a served kind: <c>/api/v1/...</c> or <c>/apis/{group}/{version}/...</c> followed by
/// <c>{plural}[/{name}[/status]]</c> or <c>namespaces/{ns}/{plural}[/{name}[/status]]</c>.
/// A namespaced collection without namespace means "all namespaces".
/// </summary>
internal sealed record ResourcePath(ResourceKind Kind, string? Namespace, string? Name, bool Status)
{
    public bool IsCollection => Name is null;

    public static ResourcePath? Parse(string path)
    {
        var segments = path.Trim('/').Split('/');
        if (segments.Any(s => s.Length == 0))
        {
            return null;
        }
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var r] when r.Length > 0 => ("", v, r),
            ["apis", var g, var v, .. var r] when r.Length > 0 => (g, v, r),
            _ => ("", "", Array.Empty<string>()),
        };
        if (rest.Length == 0)
        {
            return null;
        }
        if (rest is ["namespaces", var ns, var plural, .. var item] &&
            ResourceCatalog.ByPlural(group, version, plural) is { Namespaced: true } namespacedKind)
        {
            return Item(namespacedKind, ns, item);
        }
        if (ResourceCatalog.ByPlural(group, version, rest[0]) is not { } kind)
        {
            return null;
        }
        // A namespaced object is only addressable inside its namespace.
        return kind.Namespaced && rest.Length > 1 ? null : Item(kind, null, rest[1..]);
    }

    private static ResourcePath? Item(ResourceKind kind, string? ns, string[] item) => item switch
    {
        [] => new ResourcePath(kind, ns, null, false),
        [var name] => new ResourcePath(kind, ns, name, false),
        [var name, "status"] when kind.HasStatus => new ResourcePath(kind, ns, name, true),
        _ => null,
    };
}
