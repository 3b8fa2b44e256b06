using Mesh.Gateway.Filters;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>What a matched rule does: its filters and its weighted backends.</summary>
public sealed class RouteAction
{
    private readonly WeightedBackend[] _backends;
    private readonly int _totalWeight;

    public RouteAction(RouteEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _backends = entry.Backends.Select(b => new WeightedBackend(b)).ToArray();
        _totalWeight = _backends.Sum(b => b.Weight);
        var filters = FilterSet.Compile(entry.Filters);
        RequestHeaders = filters.RequestHeaders;
        ResponseHeaders = filters.ResponseHeaders;
        Unsupported = filters.Unsupported;
    }

    public HeaderModifier? RequestHeaders { get; }
    public HeaderModifier? ResponseHeaders { get; }

    /// <summary>A filter type this proxy cannot apply; the spec says its rule then answers 500.</summary>
    public string? Unsupported { get; }

    public bool HasBackends => _backends.Length > 0;

    /// <summary>Picks a backend in proportion to weight; null when every weight is zero.</summary>
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
    public WeightedBackend(ResolvedBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Service = backend.Service;
        Port = backend.Port;
        Weight = Math.Max(0, backend.Weight);
        Unresolved = backend.Unresolved;
        var filters = FilterSet.Compile(backend.Filters);
        RequestHeaders = filters.RequestHeaders;
        ResponseHeaders = filters.ResponseHeaders;
        Unsupported = filters.Unsupported;
    }

    public string Service { get; }
    public int Port { get; }
    public int Weight { get; }

    /// <summary>Why the backendRef did not resolve; its share of requests gets 500.</summary>
    public string? Unresolved { get; }
    public HeaderModifier? RequestHeaders { get; }
    public HeaderModifier? ResponseHeaders { get; }
    public string? Unsupported { get; }
}

/// <summary>The filters of a rule or a backendRef, compiled.</summary>
internal readonly record struct FilterSet(HeaderModifier? RequestHeaders, HeaderModifier? ResponseHeaders, string? Unsupported)
{
    public static FilterSet Compile(List<HttpRouteFilter>? filters)
    {
        HeaderModifier? request = null, response = null;
        string? unsupported = null;
        foreach (var filter in filters ?? [])
        {
            switch (filter.Type)
            {
                case "RequestHeaderModifier" when filter.RequestHeaderModifier is { } modifier:
                    request = new HeaderModifier(modifier);
                    break;
                case "ResponseHeaderModifier" when filter.ResponseHeaderModifier is { } modifier:
                    response = new HeaderModifier(modifier);
                    break;
                default:
                    unsupported ??= filter.Type;
                    break;
            }
        }
        return new FilterSet(request, response, unsupported);
    }
}
