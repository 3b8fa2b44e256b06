using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>The OpenAPI constraints of one string type: minLength, maxLength and pattern.</summary>
internal sealed class StringFormat(int minLength, int maxLength, string? pattern = null)
{
    private readonly Lazy<Regex?> regex = new(() => pattern is null ? null : Re2.Compile(pattern));

    /// <summary>Reports every violated constraint, as the API server does (an empty Kind fails both minLength and pattern).</summary>
    public void Check(Cursor at, string value)
    {
        // OpenAPI lengths count characters (code points), not UTF-16 units.
        var length = value.EnumerateRunes().Count();
        if (length > maxLength)
        {
            at.TooLong(maxLength);
        }
        if (length < minLength)
        {
            at.Invalid($"should be at least {minLength} chars long");
        }
        if (regex.Value is { } re && !re.IsMatch(value))
        {
            at.Invalid($"should match '{pattern}'");
        }
    }
}
