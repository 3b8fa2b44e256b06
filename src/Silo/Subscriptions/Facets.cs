namespace Mesh.Silo.Subscriptions;

/// <summary>Which facets of a Service one message carries.</summary>
[Flags]
public enum Facets
{
    None = 0,
    Frontend = 1,
    Backend = 2,
    Directory = 4,
}
