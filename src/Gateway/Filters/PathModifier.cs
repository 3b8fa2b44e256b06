using Mesh.Grains.Model;

namespace Mesh.Gateway.Filters;

/// <summary>
/// HTTPPathModifier: ReplaceFullPath, or ReplacePrefixMatch, which swaps the matched PathPrefix for the
/// replacement on whole segments ("/foo" → "/xyz" turns "/foo/bar" into "/xyz/bar"; an empty or "/"
/// replacement drops the prefix), never doubling or losing the slash between them.
/// </summary>
public sealed class PathModifier
{
    private readonly string? _fullPath;
    private readonly string? _prefixReplacement;
    private readonly string _matchedPrefix;

    public PathModifier(HttpPathModifier modifier, string matchedPrefix)
    {
        ArgumentNullException.ThrowIfNull(modifier);
        // An empty full path is the root: a request target is never empty.
        _fullPath = modifier.Type == "ReplaceFullPath" ? (string.IsNullOrEmpty(modifier.ReplaceFullPath) ? "/" : modifier.ReplaceFullPath) : null;
        _prefixReplacement = modifier.Type == "ReplacePrefixMatch" ? (modifier.ReplacePrefixMatch ?? "").TrimEnd('/') : null;
        _matchedPrefix = (matchedPrefix ?? "/").TrimEnd('/');
    }

    public string Apply(string path)
    {
        if (_fullPath is not null)
        {
            return _fullPath;
        }
        var remainder = path.Length >= _matchedPrefix.Length ? path[_matchedPrefix.Length..] : "";
        var result = _prefixReplacement + remainder;
        return result.Length == 0 ? "/" : result;
    }
}
