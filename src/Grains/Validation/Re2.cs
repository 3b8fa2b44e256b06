using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>Runs the CRDs' RE2 patterns (OpenAPI pattern and CEL matches()) with .NET regular expressions.</summary>
internal static class Re2
{
    /// <summary>
    /// Non-backtracking, like RE2, so a long hostile value costs linear time. RE2's '$' (without the m flag)
    /// matches only at the end of the text, while .NET's also matches before a final '\n', so every '$'
    /// outside a character class becomes '\z'.
    /// </summary>
    public static Regex Compile(string pattern)
    {
        var converted = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (ch == '\\' && i + 1 < pattern.Length)
            {
                converted.Append(ch).Append(pattern[++i]);
                continue;
            }
            inClass = ch == '[' || (inClass && ch != ']');
            if (ch == '$' && !inClass)
            {
                converted.Append(@"\z");
            }
            else
            {
                converted.Append(ch);
            }
        }
        return new Regex(converted.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }
}
