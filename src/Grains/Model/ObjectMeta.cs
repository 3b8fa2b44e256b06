namespace Mesh.Grains.Model;

/// <summary>The part of Kubernetes object metadata that Mesh reads.</summary>
public sealed record ObjectMeta
{
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
    public string? Uid { get; init; }
    public string? ResourceVersion { get; init; }
    public long? Generation { get; init; }
    public DateTimeOffset? CreationTimestamp { get; init; }
    public DateTimeOffset? DeletionTimestamp { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
}

/// <summary>"namespace/name": how Mesh names namespaced objects, grains included.</summary>
public readonly record struct ObjectKey(string Namespace, string Name) : IComparable<ObjectKey>
{
    public override string ToString() => $"{Namespace}/{Name}";

    public int CompareTo(ObjectKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public static ObjectKey Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new FormatException($"'{key}' is not of the form namespace/name.");
        }
        return new ObjectKey(key[..slash], key[(slash + 1)..]);
    }

    public static bool operator <(ObjectKey left, ObjectKey right) => left.CompareTo(right) < 0;
    public static bool operator >(ObjectKey left, ObjectKey right) => left.CompareTo(right) > 0;
    public static bool operator <=(ObjectKey left, ObjectKey right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ObjectKey left, ObjectKey right) => left.CompareTo(right) >= 0;
}
