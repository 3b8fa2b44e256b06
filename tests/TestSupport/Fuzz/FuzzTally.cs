using Xunit;
using Xunit.Abstractions;

namespace Mesh.TestSupport.Fuzz;

/// <summary>
/// One fuzz run's bookkeeping: its case count and seed (<see cref="FuzzRun"/>), its random source, how often
/// each outcome came (written to the test's output at the end), and its failures, of which the first ten
/// end the run and make its assertion.
/// </summary>
public sealed class FuzzTally<TOutcome>
    where TOutcome : notnull
{
    private const int MaxFailures = 10;

    private readonly SortedDictionary<TOutcome, int> _seen = [];
    private readonly List<string> _failures = [];

    /// <param name="seedOffset">Told apart from the other runs of one test (its theory's cases) that share the default seed.</param>
    public FuzzTally(int defaultCases, int seedOffset = 0)
    {
        Cases = FuzzRun.Cases(defaultCases);
        Seed = FuzzRun.Seed(20261207) + seedOffset;
        Random = new Random(Seed);
    }

    public int Cases { get; }

    public int Seed { get; }

    public Random Random { get; }

    /// <summary>The case numbers, until the cases or the failures run out.</summary>
    public IEnumerable<int> CaseNumbers()
    {
        for (var i = 0; i < Cases && _failures.Count < MaxFailures; i++)
        {
            yield return i;
        }
    }

    public void Saw(TOutcome outcome) => _seen[outcome] = _seen.GetValueOrDefault(outcome) + 1;

    public void Failed(int caseNumber, string what) => _failures.Add($"seed {Seed}, case {caseNumber}: {what}");

    /// <summary>Writes the outcomes' counts to <paramref name="output"/> and fails with the failures, if any.</summary>
    public void Report(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (outcome, count) in _seen)
        {
            output.WriteLine($"{count,6}  {outcome}");
        }
        Assert.True(_failures.Count == 0, string.Join("\n", _failures));
    }
}
