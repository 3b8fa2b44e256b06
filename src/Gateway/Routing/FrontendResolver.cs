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
        var labels = authority.Host.Split('.');
        var key = labels switch
        {
            [var name] when clientNamespace is not null => $"{clientNamespace}/{name}",
            [var name, var ns] => $"{ns}/{name}",
            [var name, var ns, "svc"] => $"{ns}/{name}",
            [var name, var ns, "svc", "cluster", "local"] => $"{ns}/{name}",
            _ => null,
        };
        return key is null ? null : tables.ServicesByKey.GetValueOrDefault(key);
    }
}
