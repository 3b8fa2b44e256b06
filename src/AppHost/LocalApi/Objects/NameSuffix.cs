namespace Mesh.AppHost.LocalApi.Objects;

/// <summary>Random name suffixes as Kubernetes makes them for generateName (no vowels, no look-alikes).</summary>
internal static class NameSuffix
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Next(int length = 5) => new(Random.Shared.GetItems(Alphabet.AsSpan(), length));
}
