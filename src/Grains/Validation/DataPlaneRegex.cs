using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>
/// How the data plane compiles a RegularExpression match: anchored to the whole input, non-backtracking.
/// <see cref="GatewayApiValidation.RegexProblem"/> checks a pattern by building exactly this.
/// </summary>
public static class DataPlaneRegex
{
    public static Regex Build(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
}
