using Mesh.Conformance.Tests.Harness;
using Mesh.Conformance.Tests.Report;

namespace Mesh.Conformance.Tests.ReportChecks;

/// <summary>The counting rules of the report, on made-up outcomes.</summary>
[Collection(Collections.Report)]
[Trait("Conformance", "report")]
public sealed class ReportBuilderTests
{
    private static readonly DateTimeOffset Date = new(2025, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, Outcome> All(bool passed) =>
        UpstreamTests.All.ToDictionary(t => t.ShortName, _ => new Outcome(passed, passed ? null : "failed"));

    [Fact]
    public void Under_the_v1_4_profiles_MESH_HTTP_counts_seven_core_and_seven_extended_tests_and_MESH_GRPC_three_core()
    {
        var report = ReportBuilder.Build(All(passed: true), Date);

        var http = report.Profile("MESH-HTTP")!;
        Assert.Equal(new Statistics { Passed = 7 }, http.Core.Statistics);
        Assert.Equal(new Statistics { Passed = 7 }, http.Extended!.Statistics);
        Assert.Equal("Core tests succeeded. Extended tests succeeded.", http.Summary);
        Assert.Equal(Features.MeshExtended.Order(StringComparer.Ordinal), http.Extended.SupportedFeatures!);
        Assert.Null(http.Extended.UnsupportedFeatures);
        // MeshBasic, MeshGRPCRouteWeight and (newer than v1.4) MeshGRPCRouteRequestHeaderModifier; no extended tests.
        var grpc = report.Profile("MESH-GRPC")!;
        Assert.Equal(new Statistics { Passed = 3 }, grpc.Core.Statistics);
        Assert.Null(grpc.Extended);
        Assert.Equal(["MeshHTTPRoute303Redirect", "MeshHTTPRoute307Redirect", "MeshHTTPRoute308Redirect", "MeshHTTPRouteNamedRule"], report.SucceededProvisionalTests!);
        Assert.Equal("2025-11-01T12:00:00Z", report.Date);
    }

    [Fact]
    public void Tests_needing_features_outside_a_profile_count_nowhere_but_MeshBasic_counts_in_both()
    {
        var outcomes = All(passed: true);
        outcomes["MeshFrontend"] = new Outcome(false, "x");
        outcomes["MeshConsumerRoute"] = new Outcome(false, "x");
        outcomes["MeshGRPCRouteRequestMirror"] = new Outcome(false, "x");
        var unchanged = ReportBuilder.Build(outcomes, Date);
        Assert.All(unchanged.Profiles, p => Assert.Equal("success", p.Core.Result));

        outcomes["MeshBasic"] = new Outcome(false, "x");
        var failed = ReportBuilder.Build(outcomes, Date);
        foreach (var profile in failed.Profiles)
        {
            Assert.Equal("failure", profile.Core.Result);
            Assert.Equal(["MeshBasic"], profile.Core.FailedTests!);
            Assert.Equal(1, profile.Core.Statistics.Failed);
        }
        Assert.Equal("Core tests failed with 1 test failures. Extended tests succeeded.", failed.Profile("MESH-HTTP")!.Summary);
    }

    [Fact]
    public void A_failed_extended_test_fails_the_extended_result_and_a_failed_provisional_test_is_not_listed()
    {
        var outcomes = All(passed: true);
        outcomes["MeshHTTPRouteNamedRule"] = new Outcome(false, "x");
        var report = ReportBuilder.Build(outcomes, Date);
        var http = report.Profile("MESH-HTTP")!;
        Assert.Equal("success", http.Core.Result);
        Assert.Equal("failure", http.Extended!.Result);
        Assert.Equal(new Statistics { Passed = 6, Failed = 1 }, http.Extended.Statistics);
        Assert.DoesNotContain("MeshHTTPRouteNamedRule", report.SucceededProvisionalTests!);
    }

    [Fact]
    public void A_missing_outcome_is_a_skip_and_makes_the_result_partial()
    {
        var outcomes = All(passed: true);
        outcomes.Remove("MeshHTTPRouteWeight");
        var http = ReportBuilder.Build(outcomes, Date).Profile("MESH-HTTP")!;
        Assert.Equal("partial", http.Core.Result);
        Assert.Equal(["MeshHTTPRouteWeight"], http.Core.SkippedTests!);
        Assert.Equal("Core tests partially succeeded with 1 test skips. Extended tests succeeded.", http.Summary);
    }

    [Fact]
    public void The_YAML_round_trips_with_sorted_keys_and_quoted_dates_and_versions()
    {
        var report = ReportBuilder.Build(All(passed: true), Date) with
        {
            Implementation = MeshImplementation.Implementation with { Version = "1.2.3" },
        };
        var yaml = ReportYaml.Write(report.ToJson());
        Assert.Contains("date: \"2025-11-01T12:00:00Z\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  version: \"1.2.3\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  contact:\n  - \"@mesh/maintainers\"\n", yaml, StringComparison.Ordinal);
        Assert.StartsWith("apiVersion: gateway.networking.k8s.io/v1\ndate:", yaml, StringComparison.Ordinal);
        Assert.Contains("- core:\n    result: success\n    statistics:\n      Failed: 0\n      Passed: 3\n      Skipped: 0\n  name: MESH-GRPC\n", yaml, StringComparison.Ordinal);

        var back = ConformanceReport.FromJson(YamlDocuments.Read(new StringReader(yaml)).Single());
        Assert.Equal(ReportYaml.Write(report.ToJson()), ReportYaml.Write(back.ToJson()));
    }
}
