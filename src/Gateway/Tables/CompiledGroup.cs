using System.Collections.Frozen;
using Mesh.Gateway.Routing;
using Mesh.Grains.Model;

namespace Mesh.Gateway.Tables;

/// <summary>
/// The merged routes of one group, compiled, in precedence order: the first entry that matches wins.
/// Entries are indexed by path so a request only examines entries whose path can match it: exact paths
/// by the whole path, prefixes by each of the request path's segment prefixes, and regular expressions
/// (which cannot be indexed) always. The winner is the lowest-indexed entry across those lists.
/// </summary>
public sealed class CompiledGroup
{
    private const int MaxIndexedSegments = 32;

    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _prefix;
    private readonly int[] _regex;

    public CompiledGroup(CompiledEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefix = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var regex = new List<int>();
        for (var i = 0; i < entries.Length; i++)
        {
            var matcher = entries[i].Matcher;
            switch (matcher.PathType)
            {
                case PathMatchType.Exact:
                    Add(exact, matcher.Path, i);
                    break;
                case PathMatchType.RegularExpression:
                    regex.Add(i);
                    break;
                default:
                    Add(prefix, matcher.Path, i);
                    break;
            }
        }
        _exact = Freeze(exact).GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = Freeze(prefix).GetAlternateLookup<ReadOnlySpan<char>>();
        _regex = [.. regex];
    }

    public CompiledEntry[] Entries { get; }

    /// <summary>The highest-precedence entry matching the request, or null.</summary>
    public CompiledEntry? Match(in RequestView request)
    {
        var path = request.Path.AsSpan();
        var best = int.MaxValue;
        if (_exact.TryGetValue(path, out var exact))
        {
            best = FirstMatch(exact, request, best);
        }
        best = FirstMatch(_regex, request, best);

        // PathPrefix entries are stored by normalized prefix ("/" or without a trailing slash); the
        // prefixes that can match are "/" and the path cut before each later '/', and the path itself.
        if (_prefix.TryGetValue("/", out var root))
        {
            best = FirstMatch(root, request, best);
        }
        var segments = 0;
        for (var i = 1; i <= path.Length && segments < MaxIndexedSegments; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                continue;
            }
            segments++;
            if (_prefix.TryGetValue(path[..i], out var candidates))
            {
                best = FirstMatch(candidates, request, best);
            }
        }
        if (segments >= MaxIndexedSegments)
        {
            best = Math.Min(best, ScanAll(request)); // Pathologically deep paths: correctness over speed.
        }
        return best == int.MaxValue ? null : Entries[best];
    }

    private int FirstMatch(int[] candidates, in RequestView request, int best)
    {
        foreach (var index in candidates)
        {
            if (index >= best)
            {
                break;
            }
            if (Entries[index].Matcher.Matches(request))
            {
                return index;
            }
        }
        return best;
    }

    private int ScanAll(in RequestView request)
    {
        for (var i = 0; i < Entries.Length; i++)
        {
            if (Entries[i].Matcher.Matches(request))
            {
                return i;
            }
        }
        return int.MaxValue;
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int entry)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(entry);
    }

    private static FrozenDictionary<string, int[]> Freeze(Dictionary<string, List<int>> index) =>
        index.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}

/// <summary>One route match and what to do with requests it matches.</summary>
public sealed class CompiledEntry(string route, int ruleIndex, RequestMatcher matcher, RouteAction action)
{
    /// <summary>"namespace/name" of the route, for logs and metrics.</summary>
    public string Route { get; } = route;
    public int RuleIndex { get; } = ruleIndex;
    public RequestMatcher Matcher { get; } = matcher;
    public RouteAction Action { get; } = action;
}
