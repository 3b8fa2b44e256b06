using Mesh.Conformance.Tests.Harness;

namespace Mesh.Conformance.Tests.Report;

/// <summary>docs/conformance/report.yaml: written by the suite, read by the README table.</summary>
public static class ReportFile
{
    public const string Header =
        "Mesh's Gateway API ConformanceReport for the mesh profiles. Written by tests/Conformance from the\n" +
        "outcomes of its scenarios (a complete run rewrites it when a result changes); do not edit by hand.";

    public static ConformanceReport Read(string path) => ConformanceReport.FromJson(ReportYaml.Read(path));

    /// <summary>
    /// Writes the report unless the file already says the same apart from its date (so an unchanged run
    /// leaves the file, and the repository, as they were). Returns whether it wrote.
    /// </summary>
    public static bool WriteIfChanged(ConformanceReport report, string path)
    {
        if (File.Exists(path))
        {
            try
            {
                var existing = File.ReadAllText(path);
                var previousDate = Read(path).Date;
                if (existing.ReplaceLineEndings("\n") == Render(report with { Date = previousDate }))
                {
                    return false;
                }
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                // unreadable: replace it
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Render(report));
        return true;
    }

    public static string Render(ConformanceReport report) => ReportYaml.Write(report.ToJson(), Header);
}

/// <summary>A published report of another implementation, as stored under docs/conformance/peers.</summary>
public sealed record PeerReport(string Name, string Repository, string Path, string Commit, ConformanceReport Report)
{
    public string Url => $"https://github.com/{Repository}/blob/{Commit}/{Path}";

    public static PeerReport Read(string file)
    {
        var root = ReportYaml.Read(file);
        var source = root["source"]?.AsObject() ?? throw new InvalidDataException($"{file}: no source");
        return new PeerReport(
            root["name"]?.GetValue<string>() ?? throw new InvalidDataException($"{file}: no name"),
            source["repository"]!.GetValue<string>(),
            source["path"]!.GetValue<string>(),
            source["commit"]!.GetValue<string>(),
            ConformanceReport.FromJson(root["report"] ?? throw new InvalidDataException($"{file}: no report")));
    }

    public static IReadOnlyList<PeerReport> ReadAll(string directory) =>
        Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(Read).ToList();
}
