using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

public static partial class GatewayApiValidation
{
    // Building a non-backtracking regex takes about half a millisecond, and every full translation checks every
    // pattern again: the answers are kept per pattern ("" for none), up to a bound past which they start over.
    private const int MaxKnownPatterns = 16_384;

    private static readonly ConcurrentDictionary<string, string> KnownRegexProblems = new(StringComparer.Ordinal);

    /// <summary>
    /// Why the data plane cannot use <paramref name="pattern"/> (a RegularExpression path, header, query or
    /// gRPC method match), or null when it can: the data plane compiles it anchored and non-backtracking, which
    /// rejects backreferences, lookarounds and atomic groups. Not a CRD rule (the CRDs accept any regex), so
    /// Validate never reports it; the silo turns it into Accepted=False with reason UnsupportedValue.
    /// </summary>
    public static string? RegexProblem(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (KnownRegexProblems.TryGetValue(pattern, out var known))
        {
            return known.Length == 0 ? null : known;
        }
        var problem = FindRegexProblem(pattern);
        if (KnownRegexProblems.Count >= MaxKnownPatterns)
        {
            KnownRegexProblems.Clear();
        }
        KnownRegexProblems[pattern] = problem ?? "";
        return problem;
    }

    private static string? FindRegexProblem(string pattern)
    {
        try
        {
            // On its own first: a pattern that compiles only inside the anchoring group ("a)|(b") would mean something
            // else there, unanchored. Parsing it with the default engine is enough for that, and cheap.
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            _ = new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
    }
}
