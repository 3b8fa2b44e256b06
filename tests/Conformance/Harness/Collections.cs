using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer("Mesh.Conformance.Tests.Harness.CollectionOrder", "Mesh.Conformance.Tests")]

namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// The collections, run one after another in this order: the profile scenarios (their fixture writes the
/// report when they end), the ReferenceGrant scenarios (their own mesh), and last the checks of the
/// report and the README table, which therefore read the report this same run wrote.
/// </summary>
public static class Collections
{
    public const string Profile = "1 mesh profile";
    public const string ReferenceGrants = "2 mesh requiring ReferenceGrants";
    public const string Report = "3 conformance report";
}

public sealed class CollectionOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => Rank(c.DisplayName)).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(string name) => name switch
    {
        Collections.Profile => 0,
        Collections.ReferenceGrants => 1,
        Collections.Report => 3,
        _ => 2,
    };
}
