using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

public static partial class GatewayApiValidation
{
    // Building a non-backtracking regex takes about half a millisecond, and every full translation checks every
    // pattern again: the answers are kept per pattern.
    private static readonly BoundedMemo<string?> KnownRegexProblems = new(16_384, FindRegexProblem);

    /// <summary>
    /// Why the data plane cannot use <paramref name="pattern"/> (a RegularExpression path, header, query or
    /// gRPC method match), or null when it can: the data plane compiles it anchored and non-backtracking, which
    /// rejects backreferences, lookarounds and atomic groups. Not a CRD rule (the CRDs accept any regex), so
    /// Validate never reports it; the silo turns it into Accepted=False with reason UnsupportedValue.
    /// </summary>
    public static string? RegexProblem(string pattern) => KnownRegexProblems.Get(pattern);

    private static string? FindRegexProblem(string pattern)
    {
        try
        {
            // On its own first: a pattern that compiles only inside the anchoring group ("a)|(b") would mean something
            // else there, unanchored. Parsing it with the default engine is enough for that, and cheap.
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            _ = DataPlaneRegex.Build(pattern);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
    }
}
