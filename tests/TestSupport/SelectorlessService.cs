using System.Text.Json.Nodes;

namespace Mesh.TestSupport;

/// <summary>
/// A Service without a selector whose endpoints are written by hand in an EndpointSlice, as an external
/// workload (or a backend the test runs) joins a cluster.
/// </summary>
public static class SelectorlessService
{
    /// <summary>Applies Service ns/name on <paramref name="servicePort"/> and its EndpointSlice listing <paramref name="endpoints"/> (all on one port).</summary>
    public static async Task ApplyAsync(KubeApi api, string ns, string name, IEnumerable<(string Address, int Port)> endpoints,
        int servicePort = 80, string? appProtocol = null)
    {
        var list = endpoints.ToList();
        var targetPort = list.Select(e => e.Port).Distinct().Take(1).ToList();
        var port = new JsonObject { ["name"] = "http", ["port"] = servicePort };
        if (targetPort.Count > 0)
        {
            port["targetPort"] = targetPort[0];
        }
        if (appProtocol is not null)
        {
            port["appProtocol"] = appProtocol;
        }
        await api.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(port) },
        });
        await api.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = SliceName(name),
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray(list.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Address),
                ["conditions"] = new JsonObject { ["ready"] = true },
            }).ToArray()),
            ["ports"] = new JsonArray(targetPort.Select(p => (JsonNode)SlicePort(p, appProtocol)).ToArray()),
        });
    }

    /// <summary>Removes the Service and EndpointSlice <see cref="ApplyAsync"/> made.</summary>
    public static async Task DeleteAsync(KubeApi api, string ns, string name)
    {
        await api.DeleteAsync($"{KubeApi.Collection("discovery.k8s.io/v1", "endpointslices", ns)}/{SliceName(name)}");
        await api.DeleteAsync($"{KubeApi.Collection("v1", "services", ns)}/{name}");
    }

    private static string SliceName(string service) => $"{service}-manual";

    private static JsonObject SlicePort(int port, string? appProtocol)
    {
        var slicePort = new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP" };
        if (appProtocol is not null)
        {
            slicePort["appProtocol"] = appProtocol;
        }
        return slicePort;
    }
}
