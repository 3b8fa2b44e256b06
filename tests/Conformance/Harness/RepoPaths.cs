namespace Mesh.Conformance.Tests.Harness;

/// <summary>Where things are: the manifests next to the test assembly, and the repository the tests were built from.</summary>
public static class RepoPaths
{
    public static string Manifests { get; } = Path.Combine(AppContext.BaseDirectory, "Manifests");

    public static string Manifest(string relative) => Path.Combine(Manifests, relative);

    /// <summary>The repository root: the nearest directory above the test assembly holding Mesh.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Readme => Path.Combine(Root, "README.md");

    public static string ConformanceDocs => Path.Combine(Root, "docs", "conformance");

    public static string Report => Path.Combine(ConformanceDocs, "report.yaml");

    public static string Peers => Path.Combine(ConformanceDocs, "peers");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Mesh.sln above {AppContext.BaseDirectory}");
    }
}
