using System.Text.RegularExpressions;
using Mesh.Gateway.Routing;
using Mesh.Grains.Model;

namespace Mesh.Gateway.Tables;

/// <summary>
/// One HTTPRouteMatch, compiled: every condition must hold. Paths are case-sensitive; PathPrefix matches
/// whole segments ("/foo" matches "/foo/bar", not "/foobar"); header names are case-insensitive;
/// for a repeated query parameter only the first value counts. Regular expressions match the whole value
/// and run without backtracking, so no route can stall the proxy.
/// </summary>
public sealed class RequestMatcher
{
    private readonly string _pathType;
    private readonly string _path;
    private readonly Regex? _pathRegex;
    private readonly string? _method;
    private readonly ValueMatcher[] _headers;
    private readonly ValueMatcher[] _queryParams;

    public RequestMatcher(HttpRouteMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        _pathType = match.Path?.Type ?? PathMatchType.PathPrefix;
        var path = match.Path?.Value ?? "/";
        _path = _pathType == PathMatchType.PathPrefix ? NormalizePrefix(path) : path;
        _pathRegex = _pathType == PathMatchType.RegularExpression ? CompiledPatterns.FullMatch(path) : null;
        _method = match.Method;
        _headers = (match.Headers ?? []).Select(h => new ValueMatcher(h.Name, h.Type, h.Value)).ToArray();
        _queryParams = (match.QueryParams ?? []).Select(q => new ValueMatcher(q.Name, q.Type, q.Value)).ToArray();
    }

    /// <summary>Exact, PathPrefix or RegularExpression.</summary>
    public string PathType => _pathType;

    /// <summary>The path value; for PathPrefix without its trailing slash ("/" stays "/").</summary>
    public string Path => _path;

    public bool Matches(in RequestView request)
    {
        if (_method is not null && !string.Equals(_method, request.Method, StringComparison.Ordinal))
        {
            return false;
        }
        if (!PathMatches(request.Path))
        {
            return false;
        }
        foreach (var header in _headers)
        {
            if (!request.Headers.TryGetValue(header.Name, out var values) || !AnyMatches(header, values))
            {
                return false;
            }
        }
        foreach (var query in _queryParams)
        {
            if (!request.TryGetFirstQueryValue(query.Name, out var value) || !query.Matches(value))
            {
                return false;
            }
        }
        return true;
    }

    private bool PathMatches(string path) => _pathType switch
    {
        PathMatchType.Exact => string.Equals(path, _path, StringComparison.Ordinal),
        PathMatchType.RegularExpression => _pathRegex!.IsMatch(path),
        _ => _path == "/"
            || (path.StartsWith(_path, StringComparison.Ordinal) && (path.Length == _path.Length || path[_path.Length] == '/')),
    };

    /// <summary>A header sent several times matches when one of its values, or all of them joined, match.</summary>
    private static bool AnyMatches(ValueMatcher matcher, Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && matcher.Matches(value))
            {
                return true;
            }
        }
        return values.Count > 1 && matcher.Matches(values.ToString());
    }

    /// <summary>A prefix without its trailing slashes; all slashes is the root "/".</summary>
    internal static string NormalizePrefix(string prefix)
    {
        var trimmed = prefix.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private sealed class ValueMatcher
    {
        private readonly string _value;
        private readonly Regex? _regex;

        public ValueMatcher(string name, string? type, string value)
        {
            Name = name;
            _value = value;
            _regex = type == "RegularExpression" ? CompiledPatterns.FullMatch(value) : null;
        }

        public string Name { get; }

        public bool Matches(string actual) =>
            _regex?.IsMatch(actual) ?? string.Equals(actual, _value, StringComparison.Ordinal);
    }
}
