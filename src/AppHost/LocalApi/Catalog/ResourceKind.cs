namespace Mesh.AppHost.LocalApi.Catalog;

/// <summary>One kind the local API serves: where it sits in the REST tree and how it behaves.</summary>
internal sealed class ResourceKind(
    string group,
    string version,
    string kind,
    string plural,
    bool namespaced,
    bool hasStatus,
    string[] shortNames,
    string[] categories)
{
    public string Group { get; } = group;
    public string Version { get; } = version;
    public string Kind { get; } = kind;
    public string Plural { get; } = plural;
    public string Singular { get; } = kind.ToLowerInvariant();
    public bool Namespaced { get; } = namespaced;

    /// <summary>Whether <c>status</c> is only written through the <c>/status</c> subresource.</summary>
    public bool HasStatus { get; } = hasStatus;

    public IReadOnlyList<string> ShortNames { get; } = shortNames;
    public IReadOnlyList<string> Categories { get; } = categories;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";

    public override string ToString() => $"{Plural}.{ApiVersion}";
}
