using Mesh.Conformance.Tests.Harness;
using Mesh.Conformance.Tests.Report;

namespace Mesh.Conformance.Tests.ReportChecks;

/// <summary>
/// Runs after the scenario collections (see <see cref="CollectionOrder"/>), so it reads the report the
/// profile fixture wrote in this same run. The README table is golden: it must equal what the report
/// and the stored peer reports produce; MESH_UPDATE_CONFORMANCE=1 rewrites it instead of failing.
/// </summary>
[Collection(Collections.Report)]
[Trait("Conformance", "report")]
public sealed class ReportTests
{
    private const string UpdateVariable = "MESH_UPDATE_CONFORMANCE";
    private const string ReportLink = "docs/conformance/report.yaml";

    [Fact]
    public void The_report_file_is_a_valid_ConformanceReport_and_this_runs_own_when_it_ran_every_scenario()
    {
        var report = ReportFile.Read(RepoPaths.Report);

        Assert.Equal("gateway.networking.k8s.io/v1", report.ApiVersion);
        Assert.Equal("ConformanceReport", report.Kind);
        Assert.Equal(MeshImplementation.GatewayAPIVersion, report.GatewayAPIVersion);
        Assert.Equal(MeshImplementation.GatewayAPIChannel, report.GatewayAPIChannel);
        Assert.Equal("default", report.Mode);
        Assert.True(DateTimeOffset.TryParse(report.Date, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _), $"date {report.Date}");
        var implementation = report.Implementation;
        Assert.False(string.IsNullOrEmpty(implementation.Organization));
        Assert.False(string.IsNullOrEmpty(implementation.Project));
        Assert.False(string.IsNullOrEmpty(implementation.Version));
        Assert.NotEmpty(implementation.Contact);
        Assert.True(Uri.TryCreate(implementation.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0, $"url {implementation.Url}");
        Assert.Equal(["MESH-GRPC", "MESH-HTTP"], report.Profiles.Select(p => p.Name));
        foreach (var profile in report.Profiles)
        {
            foreach (var status in new[] { profile.Core, profile.Extended }.OfType<ProfileStatus>())
            {
                Assert.Equal(status.Statistics.Failed, status.FailedTests?.Count ?? 0);
                Assert.Equal(status.Statistics.Skipped, status.SkippedTests?.Count ?? 0);
                Assert.Equal(status.Statistics.Failed > 0 ? "failure" : status.Statistics.Skipped > 0 ? "partial" : "success", status.Result);
            }
        }

        if (ProfileFixture.LastReport is { } written)
        {
            // The profile collection ran every scenario in this process: the file holds its results.
            Assert.Equal(ReportYaml.Write(Undated(written).ToJson()), ReportYaml.Write(Undated(report).ToJson()));
        }
    }

    [Fact]
    public void The_README_table_is_generated_from_the_report_and_the_peer_reports()
    {
        var report = ReportFile.Read(RepoPaths.Report);
        var table = ComparisonTable.Render(report, ReportLink, PeerReport.ReadAll(RepoPaths.Peers));
        var readme = File.ReadAllText(RepoPaths.Readme);
        var current = ComparisonTable.Current(readme).ReplaceLineEndings("\n");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            if (current != table)
            {
                File.WriteAllText(RepoPaths.Readme, ComparisonTable.Splice(readme, table));
            }
            return;
        }
        Assert.True(current == table,
            $"README.md's conformance table is not what {ReportLink} and docs/conformance/peers produce. " +
            $"If the report changed on purpose, run `{UpdateVariable}=1 dotnet test tests/Conformance` and commit both.\n" +
            $"Expected:\n{table}\nActual:\n{current}");
    }

    [Fact]
    public void Peer_reports_hold_the_mesh_profiles_of_a_published_report()
    {
        var peers = PeerReport.ReadAll(RepoPaths.Peers);
        Assert.Equal(["Cilium", "Istio", "Linkerd"], peers.Select(p => p.Name));
        foreach (var peer in peers)
        {
            Assert.Equal("kubernetes-sigs/gateway-api", peer.Repository);
            Assert.Matches("^[0-9a-f]{40}$", peer.Commit);
            Assert.StartsWith("conformance/reports/", peer.Path, StringComparison.Ordinal);
            Assert.Equal("ConformanceReport", peer.Report.Kind);
            Assert.NotEmpty(peer.Report.Profiles);
            Assert.All(peer.Report.Profiles, p => Assert.StartsWith("MESH-", p.Name, StringComparison.Ordinal));
        }
    }

    private static ConformanceReport Undated(ConformanceReport report) => report with { Date = "" };
}
