using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The namespaces and routes a test applies, written as a user would write them.</summary>
public static class MeshObjects
{
    public static Task EnsureNamespaceAsync(this KubeApi api, string ns)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ApplyAsync(KubeApi.Collection("v1", "namespaces", null), new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = ns },
        });
    }

    /// <summary>An HTTPRoute (or GRPCRoute) in <paramref name="ns"/> whose parent is Service <paramref name="parent"/>, port 80.</summary>
    public static Task ApplyRouteAsync(this KubeApi api, string ns, string name, string parent, string rulesJson, string kind = "HTTPRoute")
    {
        ArgumentNullException.ThrowIfNull(api);
        var route = JsonNode.Parse($$$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"{{{kind}}}",
             "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"{{{parent}}}","port":80}],"rules":{{{rulesJson}}}}}
            """)!.AsObject();
        var plural = kind == "GRPCRoute" ? "grpcroutes" : "httproutes";
        return api.ApplyAsync(KubeApi.Collection("gateway.networking.k8s.io/v1", plural, ns), route);
    }
}
