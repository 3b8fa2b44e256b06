using System.Collections.Concurrent;

namespace Mesh.Conformance.Tests.Report;

/// <summary>The result of one upstream scenario in this run.</summary>
public sealed record Outcome(bool Passed, string? Failure);

/// <summary>Pass or fail per upstream scenario, as the scenarios of this run record them.</summary>
public sealed class Outcomes
{
    private readonly ConcurrentDictionary<string, Outcome> _results = new(StringComparer.Ordinal);

    public void Record(string shortName, Outcome outcome)
    {
        UpstreamTests.Get(shortName);
        _results[shortName] = outcome;
    }

    public IReadOnlyDictionary<string, Outcome> Results => _results;

    /// <summary>Every upstream test of the catalog ran in this run (so a report can be written).</summary>
    public bool Complete => UpstreamTests.All.All(t => _results.ContainsKey(t.ShortName));

    public IEnumerable<string> Missing => UpstreamTests.All.Where(t => !_results.ContainsKey(t.ShortName)).Select(t => t.ShortName);
}
