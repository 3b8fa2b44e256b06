using Mesh.Gateway.Filters;
using Mesh.Gateway.Forwarding;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>What a matched rule does: its filters, timeouts, retries and its weighted backends.</summary>
public sealed class RouteAction
{
    private readonly WeightedBackend[] _backends;
    private readonly int _totalWeight;

    public RouteAction(RouteEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var routeNamespace = entry.Route.Split('/')[0];
        var matchedPrefix = entry.Match.Path?.Type == PathMatchType.PathPrefix ? entry.Match.Path.Value ?? "/" : "/";
        Filters = FilterSet.Compile(entry.Filters, matchedPrefix, routeNamespace);
        _backends = entry.Backends.Select(b => new WeightedBackend(b, matchedPrefix, routeNamespace)).ToArray();
        _totalWeight = _backends.Sum(b => b.Weight);
        Timeouts = TimeoutPolicy.From(entry.Timeouts);
        Retry = RetryPolicy.From(entry.Retry);
    }

    public FilterSet Filters { get; }
    public TimeoutPolicy Timeouts { get; }
    public RetryPolicy? Retry { get; }

    /// <summary>Adds the Services this rule sends or mirrors to.</summary>
    public void AddReferences(ISet<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var mirror in Filters.Mirrors)
        {
            services.Add(mirror.Service);
        }
        foreach (var backend in _backends)
        {
            if (backend.Unresolved is null)
            {
                services.Add(backend.Service);
            }
            foreach (var mirror in backend.Filters.Mirrors)
            {
                services.Add(mirror.Service);
            }
        }
    }

    /// <summary>Picks a backend in proportion to weight; null when there are none or every weight is zero.</summary>
    public WeightedBackend? Pick()
    {
        if (_totalWeight <= 0)
        {
            return null;
        }
        var ticket = Random.Shared.Next(_totalWeight);
        foreach (var backend in _backends)
        {
            if (ticket < backend.Weight)
            {
                return backend;
            }
            ticket -= backend.Weight;
        }
        return null;
    }
}

/// <summary>One backendRef of a rule, with its own filters.</summary>
public sealed class WeightedBackend
{
    public WeightedBackend(ResolvedBackend backend, string matchedPrefix, string routeNamespace)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Service = backend.Service;
        Port = backend.Port;
        Weight = Math.Max(0, backend.Weight);
        Unresolved = backend.Unresolved;
        Filters = FilterSet.Compile(backend.Filters, matchedPrefix, routeNamespace);
    }

    public string Service { get; }
    public int Port { get; }
    public int Weight { get; }

    /// <summary>Why the backendRef did not resolve; its share of requests gets 500.</summary>
    public string? Unresolved { get; }
    public FilterSet Filters { get; }
}

/// <summary>The filters of a rule or of a backendRef, compiled.</summary>
public sealed record FilterSet(
    HeaderModifier? RequestHeaders,
    HeaderModifier? ResponseHeaders,
    RequestRedirect? Redirect,
    UrlRewrite? Rewrite,
    IReadOnlyList<RequestMirror> Mirrors,
    CorsPolicy? Cors,
    string? Unsupported)
{
    public static readonly FilterSet None = new(null, null, null, null, [], null, null);

    public static FilterSet Compile(List<HttpRouteFilter>? filters, string matchedPrefix, string routeNamespace)
    {
        if (filters is not { Count: > 0 })
        {
            return None;
        }
        HeaderModifier? request = null, response = null;
        RequestRedirect? redirect = null;
        UrlRewrite? rewrite = null;
        var mirrors = new List<RequestMirror>();
        CorsPolicy? cors = null;
        string? unsupported = null;
        foreach (var filter in filters)
        {
            switch (filter.Type)
            {
                case "RequestHeaderModifier" when filter.RequestHeaderModifier is { } modifier:
                    request = new HeaderModifier(modifier);
                    break;
                case "ResponseHeaderModifier" when filter.ResponseHeaderModifier is { } modifier:
                    response = new HeaderModifier(modifier);
                    break;
                case "RequestRedirect" when filter.RequestRedirect is { } redirectFilter:
                    redirect = new RequestRedirect(redirectFilter, matchedPrefix);
                    break;
                case "URLRewrite" when filter.UrlRewrite is { } rewriteFilter:
                    rewrite = new UrlRewrite(rewriteFilter, matchedPrefix);
                    break;
                case "RequestMirror" when filter.RequestMirror is { } mirror:
                    mirrors.Add(new RequestMirror(mirror, routeNamespace));
                    break;
                case "CORS" when filter.Cors is { } corsFilter:
                    cors = new CorsPolicy(corsFilter);
                    break;
                default:
                    unsupported ??= filter.Type; // ExtensionRef, ExternalAuth, or a type without its field.
                    break;
            }
        }
        return new FilterSet(request, response, redirect, rewrite, mirrors, cors, unsupported);
    }
}
