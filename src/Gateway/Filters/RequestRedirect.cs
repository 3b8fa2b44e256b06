using System.Globalization;
using Mesh.Grains.Model;

namespace Mesh.Gateway.Filters;

/// <summary>
/// RequestRedirect: answers the request itself with a 3xx and a Location built from the request and
/// the filter. Port rules per the spec: an explicit port wins; else a scheme given in the filter implies
/// its well-known port; else the port the request was sent to (for the mesh: the Service port). The
/// port is left out of Location when it is the scheme's default.
/// </summary>
public sealed class RequestRedirect
{
    private readonly HttpRequestRedirectFilter _filter;
    private readonly PathModifier? _path;

    public RequestRedirect(HttpRequestRedirectFilter filter, string matchedPrefix)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _filter = filter;
        _path = filter.Path is { } path ? new PathModifier(path, matchedPrefix) : null;
        StatusCode = filter.StatusCode ?? 302;
    }

    public int StatusCode { get; }

    public string Location(string requestScheme, string requestHost, int requestPort, string path, string query)
    {
        var scheme = _filter.Scheme ?? requestScheme;
        var host = _filter.Hostname ?? requestHost;
        var port = _filter.Port ?? (_filter.Scheme is { } explicitScheme ? DefaultPort(explicitScheme) : requestPort);
        if (host.Contains(':'))
        {
            host = $"[{host}]"; // An IPv6 address (the request's; a filter's hostname is a DNS name) needs its brackets back.
        }
        var authority = port == DefaultPort(scheme) ? host : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        return $"{scheme}://{authority}{_path?.Apply(path) ?? path}{query}";
    }

    private static int DefaultPort(string scheme) => scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
}
