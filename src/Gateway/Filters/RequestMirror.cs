using Mesh.Grains.Model;

namespace Mesh.Gateway.Filters;

/// <summary>
/// RequestMirror: a copy of the request goes to another Service, for a share of requests (percent or
/// fraction, all when neither is set); its response is thrown away.
/// </summary>
public sealed class RequestMirror
{
    private readonly double _share;

    public RequestMirror(HttpRequestMirrorFilter filter, string routeNamespace)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Service = $"{filter.BackendRef.Namespace ?? routeNamespace}/{filter.BackendRef.Name}";
        Port = filter.BackendRef.Port ?? 0;
        _share = filter.Percent is { } percent ? percent / 100.0
            : filter.Fraction is { } fraction ? (double)fraction.Numerator / (fraction.Denominator ?? 100)
            : 1.0;
    }

    /// <summary>"namespace/name" of the Service mirrored to.</summary>
    public string Service { get; }
    public int Port { get; }

    public bool ShouldMirror() => _share >= 1.0 || (_share > 0 && Random.Shared.NextDouble() < _share);
}
