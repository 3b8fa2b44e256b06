namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// Test classes that saturate the machine (a 1 GiB upload; a silo killed under load from eight clients):
/// one collection, so they run one after the other instead of slowing each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HeavyTraffic
{
    public const string Name = "heavy traffic";
}
