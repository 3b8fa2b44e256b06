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
        // The key is spelled on the stack: a request for a Service allocates no string to find it.
        var room = KeyRoom(authority.Host, clientNamespace);
        var key = room <= MaxStackKey ? stackalloc char[MaxStackKey] : new char[room];
        var length = KeyOfName(authority.Host, clientNamespace, key);
        return length > 0 && tables.ServicesByKey.TryGetValue(key[..length], out var service) ? service : null;
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

    private const int MaxStackKey = 256;

    /// <summary>"ns/name" for <paramref name="host"/> written into <paramref name="key"/>: its length, or 0 when the host names no Service.</summary>
    private static int KeyOfName(string host, string? clientNamespace, Span<char> key)
    {
        var firstDot = host.IndexOf('.', StringComparison.Ordinal);
        ReadOnlySpan<char> name, ns;
        if (firstDot < 0)
        {
            if (clientNamespace is null)
            {
                return 0;
            }
            name = host;
            ns = clientNamespace;
        }
        else
        {
            name = host.AsSpan(0, firstDot);
            var afterName = host.AsSpan(firstDot + 1);
            var secondDot = afterName.IndexOf('.');
            ns = secondDot < 0 ? afterName : afterName[..secondDot];
            var suffix = secondDot < 0 ? [] : afterName[(secondDot + 1)..];
            if (secondDot >= 0 && !suffix.SequenceEqual("svc") && !suffix.SequenceEqual("svc.cluster.local"))
            {
                return 0;
            }
        }
        if (name.IsEmpty || ns.IsEmpty)
        {
            return 0;
        }
        ns.CopyTo(key);
        key[ns.Length] = '/';
        name.CopyTo(key[(ns.Length + 1)..]);
        return ns.Length + 1 + name.Length;
    }

    private static string? KeyOfName(string host, string? clientNamespace)
    {
        var key = new char[KeyRoom(host, clientNamespace)];
        var length = KeyOfName(host, clientNamespace, key);
        return length > 0 ? new string(key, 0, length) : null;
    }

    /// <summary>Room enough for any key <see cref="KeyOfName(string, string?, Span{char})"/> spells from these.</summary>
    private static int KeyRoom(string host, string? clientNamespace) => host.Length + (clientNamespace?.Length ?? 0) + 1;
}
