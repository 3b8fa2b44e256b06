using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The routes a test applies, written as a user would write them.</summary>
public static class MeshObjects
{
    /// <summary>An HTTPRoute (or GRPCRoute) in <paramref name="ns"/> whose parent is Service <paramref name="parent"/>, port 80.</summary>
    public static Task<JsonObject> ApplyRouteAsync(this KubeApi api, string ns, string name, string parent, string rulesJson, string kind = "HTTPRoute")
    {
        ArgumentNullException.ThrowIfNull(api);
        var route = JsonNode.Parse($$$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"{{{kind}}}",
             "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"parentRefs":[{"group":"","kind":"Service","name":"{{{parent}}}","port":80}],"rules":{{{rulesJson}}}}}
            """)!.AsObject();
        return api.ApplyAsync(route);
    }
}
