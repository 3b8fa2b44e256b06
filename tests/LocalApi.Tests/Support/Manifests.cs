using System.Text.Json.Nodes;

namespace Mesh.LocalApi.Tests.Support;

/// <summary>Small Kubernetes objects for tests.</summary>
public static class Manifests
{
    public static JsonObject Namespace(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    };

    public static JsonObject Lease(string ns, string name, JsonObject? labels = null) => new()
    {
        ["apiVersion"] = "coordination.k8s.io/v1",
        ["kind"] = "Lease",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels ?? [] },
        ["spec"] = new JsonObject { ["holderIdentity"] = "nobody" },
    };

    public static JsonObject Deployment(string ns, string name, int replicas, string image = "mesh/echo:latest", int port = 8080, string? portName = "http") => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "echo",
                        ["image"] = image,
                        ["ports"] = new JsonArray(portName is null
                            ? new JsonObject { ["containerPort"] = port }
                            : new JsonObject { ["name"] = portName, ["containerPort"] = port }),
                    }),
                },
            },
        },
    };

    public static JsonObject Service(string ns, string name, JsonObject selector, JsonArray ports) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["selector"] = selector, ["ports"] = ports },
    };

    public static JsonObject HttpRoute(string ns, string name, string parentService) => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "HTTPRoute",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["parentRefs"] = new JsonArray(new JsonObject { ["group"] = "", ["kind"] = "Service", ["name"] = parentService }),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = parentService, ["port"] = 80 }),
            }),
        },
    };
}
