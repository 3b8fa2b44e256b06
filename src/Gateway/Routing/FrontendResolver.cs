using System.Net;
using Mesh.Gateway.Tables;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Finds the Service frontend a request was sent to, from its destination alone: a cluster IP, or a
/// Service name as "name.ns", "name.ns.svc", "name.ns.svc.cluster.local", or a bare "name" in the
/// client's own namespace, as cluster DNS would resolve it.
/// </summary>
public static class FrontendResolver
{
    public static ServiceTable? Resolve(RouteTables tables, Authority authority, string? clientNamespace)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (IPAddress.TryParse(authority.Host, out _))
        {
            return tables.ServicesByClusterIP.GetValueOrDefault(authority.Host);
        }
        return KeyOfName(authority.Host, clientNamespace) is { } key ? tables.ServicesByKey.GetValueOrDefault(key) : null;
    }

    /// <summary>The key of the Service the request was sent to, from the directory: for an on-demand proxy that has not fetched it yet.</summary>
    public static string? ResolveKey(ServiceDirectory directory, Authority authority, string? clientNamespace)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (IPAddress.TryParse(authority.Host, out _))
        {
            return directory.KeysByClusterIP.GetValueOrDefault(authority.Host);
        }
        return KeyOfName(authority.Host, clientNamespace) is { } key && directory.ByKey.ContainsKey(key) ? key : null;
    }

    private static string? KeyOfName(string host, string? clientNamespace) => host.Split('.') switch
    {
        [var name] when clientNamespace is not null => $"{clientNamespace}/{name}",
        [var name, var ns] => $"{ns}/{name}",
        [var name, var ns, "svc"] => $"{ns}/{name}",
        [var name, var ns, "svc", "cluster", "local"] => $"{ns}/{name}",
        _ => null,
    };
}
