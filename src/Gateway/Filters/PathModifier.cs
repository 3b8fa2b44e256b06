using Mesh.Grains.Model;

namespace Mesh.Gateway.Filters;

/// <summary>
/// HTTPPathModifier: ReplaceFullPath, or ReplacePrefixMatch, which swaps the matched PathPrefix for the
/// replacement on whole segments ("/foo" → "/xyz" turns "/foo/bar" into "/xyz/bar"; an empty or "/"
/// replacement drops the prefix), never doubling or losing the slash between them. The prefix matched the
/// decoded path; it is replaced by segments on the path as sent (<see cref="RawPath"/>), so "/%66oo/bar"
/// matched by "/foo" becomes "/xyz/bar" too.
/// </summary>
public sealed class PathModifier
{
    private readonly string? _fullPath;
    private readonly string? _prefixReplacement;
    private readonly int _prefixSegments;

    public PathModifier(HttpPathModifier modifier, string matchedPrefix)
    {
        ArgumentNullException.ThrowIfNull(modifier);
        // An empty full path is the root: a request target is never empty.
        _fullPath = modifier.Type == "ReplaceFullPath" ? (string.IsNullOrEmpty(modifier.ReplaceFullPath) ? "/" : modifier.ReplaceFullPath) : null;
        _prefixReplacement = modifier.Type == "ReplacePrefixMatch" ? (modifier.ReplacePrefixMatch ?? "").TrimEnd('/') : null;
        _prefixSegments = (matchedPrefix ?? "/").TrimEnd('/').Count(c => c == '/');
    }

    public string Apply(string path)
    {
        if (_fullPath is not null)
        {
            return _fullPath;
        }
        var result = _prefixReplacement + RawPath.After(path, _prefixSegments);
        return result.Length == 0 ? "/" : result;
    }
}
