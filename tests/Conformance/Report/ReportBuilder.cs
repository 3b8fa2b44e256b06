using System.Reflection;
using Mesh.AppHost;

namespace Mesh.Conformance.Tests.Report;

/// <summary>What Mesh says about itself in its report.</summary>
public static class MeshImplementation
{
    public const string GatewayAPIVersion = "v1.4.0";
    public const string GatewayAPIChannel = "experimental";

    /// <summary>Every feature the Mesh tests need: Mesh implements all of them.</summary>
    public static readonly IReadOnlySet<string> SupportedFeatures =
        new SortedSet<string>(UpstreamTests.All.SelectMany(t => t.Features), StringComparer.Ordinal);

    public static Implementation Implementation => new()
    {
        Organization = "mesh",
        Project = "mesh",
        Url = "https://github.com/mesh/mesh",
        Version = Version(),
        Contact = ["@mesh/maintainers"],
    };

    /// <summary>The product's version (the AppHost assembly's, without build metadata).</summary>
    private static string Version()
    {
        var informational = typeof(LocalCluster).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                            ?? typeof(LocalCluster).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return "v" + (plus < 0 ? informational : informational[..plus]);
    }
}

/// <summary>
/// Builds the ConformanceReport from the outcomes of a run, with the upstream suite's rules: a test
/// counts in a profile when all its features are in the profile (core when all are core); tests needing
/// an unsupported feature are not run and not counted; a failure makes the result "failure", a skip
/// "partial"; provisional tests that passed are listed in succeededProvisionalTests.
/// </summary>
public static class ReportBuilder
{
    public static ConformanceReport Build(IReadOnlyDictionary<string, Outcome> outcomes, DateTimeOffset date)
    {
        var profiles = new List<ProfileReport>();
        foreach (var profile in Profile.Mesh.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var core = new Tally();
            Tally? extended = null;
            foreach (var test in UpstreamTests.All.Where(profile.Covers))
            {
                if (!test.Features.All(MeshImplementation.SupportedFeatures.Contains))
                {
                    continue; // not supported: not run, not counted
                }
                var tally = profile.IsCore(test) ? core : extended ??= new Tally();
                if (!outcomes.TryGetValue(test.ShortName, out var outcome))
                {
                    tally.Skipped.Add(test.ShortName);
                }
                else if (outcome.Passed)
                {
                    tally.Passed++;
                }
                else
                {
                    tally.Failed.Add(test.ShortName);
                }
            }
            var coreStatus = core.ToStatus();
            ProfileStatus? extendedStatus = null;
            if (extended is not null)
            {
                var supported = profile.Extended.Where(MeshImplementation.SupportedFeatures.Contains).Order(StringComparer.Ordinal).ToList();
                var unsupported = profile.Extended.Where(f => !MeshImplementation.SupportedFeatures.Contains(f)).Order(StringComparer.Ordinal).ToList();
                extendedStatus = extended.ToStatus() with
                {
                    SupportedFeatures = supported.Count == 0 ? null : supported,
                    UnsupportedFeatures = unsupported.Count == 0 ? null : unsupported,
                };
            }
            profiles.Add(new ProfileReport
            {
                Name = profile.Name,
                Core = coreStatus,
                Extended = extendedStatus,
                Summary = Summary(coreStatus, extendedStatus),
            });
        }
        var provisional = UpstreamTests.All
            .Where(t => t.Provisional && outcomes.TryGetValue(t.ShortName, out var o) && o.Passed)
            .Select(t => t.ShortName)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new ConformanceReport
        {
            Date = ReportYaml.Timestamp(date),
            GatewayAPIVersion = MeshImplementation.GatewayAPIVersion,
            GatewayAPIChannel = MeshImplementation.GatewayAPIChannel,
            Mode = "default",
            Implementation = MeshImplementation.Implementation,
            Profiles = profiles,
            SucceededProvisionalTests = provisional.Count == 0 ? null : provisional,
        };
    }

    private static string Summary(ProfileStatus core, ProfileStatus? extended)
    {
        var text = Describe("Core", core);
        return extended is null ? text : $"{text} {Describe("Extended", extended)}";
    }

    private static string Describe(string level, ProfileStatus status) => status.Result switch
    {
        "success" => $"{level} tests succeeded.",
        "partial" => $"{level} tests partially succeeded with {status.Statistics.Skipped} test skips.",
        _ => $"{level} tests failed with {status.Statistics.Failed} test failures.",
    };

    private sealed class Tally
    {
        public int Passed { get; set; }
        public List<string> Failed { get; } = [];
        public List<string> Skipped { get; } = [];

        public ProfileStatus ToStatus() => new()
        {
            Result = Failed.Count > 0 ? "failure" : Skipped.Count > 0 ? "partial" : "success",
            Statistics = new Statistics { Passed = Passed, Failed = Failed.Count, Skipped = Skipped.Count },
            FailedTests = Failed.Count == 0 ? null : Failed.Order(StringComparer.Ordinal).ToList(),
            SkippedTests = Skipped.Count == 0 ? null : Skipped.Order(StringComparer.Ordinal).ToList(),
        };
    }
}
