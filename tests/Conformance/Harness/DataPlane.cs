using Mesh.Gateway;
using Mesh.Gateway.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// What the gateway holds right now: which routes its compiled tables contain. Used only to know when
/// an applied or deleted route has reached the data plane, so scenarios run one after another without
/// seeing each other's routes; every behaviour is still checked with real requests.
/// </summary>
public sealed class DataPlane(IServiceProvider gateway)
{
    private readonly TableHolder _tables = gateway.GetRequiredService<TableHolder>();

    /// <summary>The "namespace/name" of every route with at least one rule in force, for any Service, port and client group.</summary>
    public IReadOnlySet<string> Routes()
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in _tables.Current.ServicesByKey.Values)
        {
            foreach (var port in service.Ports.Values)
            {
                foreach (var set in port.Consumers.Values.Append(port.Producer))
                {
                    if (set is null)
                    {
                        continue;
                    }
                    foreach (var entry in set.Http.Entries.Concat(set.Grpc.Entries))
                    {
                        routes.Add(entry.Route);
                    }
                }
            }
        }
        return routes;
    }

    /// <summary>The Service names ("namespace/name") the gateway knows.</summary>
    public bool HasService(string key) => _tables.Current.ServicesByKey.ContainsKey(key);

    /// <summary>The endpoint addresses the gateway would send to for a Service port.</summary>
    public int ReadyEndpoints(string key, int port) => _tables.Current.PoolFor(key, port)?.ReadyCount ?? 0;
}

public static class DataPlaneOfMesh
{
    /// <summary>What the mesh's current gateway holds.</summary>
    public static DataPlane DataPlane(this InProcessMesh mesh) => new(mesh.GatewayServices);
}
