using Mesh.Conformance.Tests.Report;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// The mesh the profile scenarios share (pods in 127.1.60.0/24, Services in 127.2.60.0/24), and the
/// record of their outcomes. When the collection ends, a run that covered every upstream scenario
/// writes docs/conformance/report.yaml from those outcomes.
/// </summary>
public sealed class ProfileFixture : IAsyncLifetime
{
    public InProcessMesh Mesh { get; private set; } = null!;

    public Outcomes Outcomes { get; } = new();

    /// <summary>The report this run produced, when it ran every upstream scenario.</summary>
    public static ConformanceReport? LastReport { get; private set; }

    public async Task InitializeAsync() =>
        Mesh = await InProcessMesh.StartAsync(new MeshOptions
        {
            ProxyName = "conformance-profile",
            PodNetworkBase = "127.1.60.0",
            ServiceNetworkBase = "127.2.60.0",
            Resources = [RepoPaths.Manifest("base"), RepoPaths.Manifest("extras/base")],
        });

    /// <summary>Runs an upstream scenario and records whether it passed (the test fails as usual when it does not).</summary>
    public async Task RunAsync(string shortName, Func<InProcessMesh, Task> scenario)
    {
        UpstreamTests.Get(shortName);
        try
        {
            await scenario(Mesh);
        }
        catch (Exception e)
        {
            Outcomes.Record(shortName, new Outcome(false, e.Message));
            throw;
        }
        Outcomes.Record(shortName, new Outcome(true, null));
    }

    public async Task DisposeAsync()
    {
        // The report first: it depends only on the outcomes, not on the mesh stopping cleanly.
        if (Outcomes.Complete)
        {
            var report = ReportBuilder.Build(Outcomes.Results, DateTimeOffset.UtcNow);
            ReportFile.WriteIfChanged(report, RepoPaths.Report);
            LastReport = report;
        }
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
    }
}

[CollectionDefinition(Collections.Profile)]
public sealed class ProfileCollection : ICollectionFixture<ProfileFixture>;
