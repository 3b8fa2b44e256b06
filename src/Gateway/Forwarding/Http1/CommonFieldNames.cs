using System.Text;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// Field names a peer sends on most messages, kept as strings so that reading them allocates nothing. Grouped by
/// length: a name read from the wire meets the one or two of its length, compared in any case, not the whole list.
/// </summary>
internal sealed class CommonFieldNames
{
    private readonly string[][] _byLength;

    public CommonFieldNames(params string[] names)
    {
        _byLength = new string[names.Max(name => name.Length) + 1][];
        for (var length = 0; length < _byLength.Length; length++)
        {
            _byLength[length] = [.. names.Where(name => name.Length == length)];
        }
    }

    /// <summary>The kept string equal to <paramref name="name"/> in any case; null when it is not one of them.</summary>
    public string? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length >= _byLength.Length)
        {
            return null;
        }
        foreach (var known in _byLength[name.Length])
        {
            if (Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }
        return null;
    }
}
