using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Builders for the objects tests apply to the running local API.</summary>
public static class Manifests
{
    public const string HttpRoutes = "httproutes";

    public static string RouteCollection(string ns) => KubeApi.Collection("gateway.networking.k8s.io/v1", HttpRoutes, ns);

    public static string ServiceCollection(string ns) => KubeApi.Collection("v1", "services", ns);

    public static JsonObject Service(string ns, string name, JsonObject selector, int port = 80, object? targetPort = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["selector"] = selector,
            ["ports"] = new JsonArray(new JsonObject
            {
                ["name"] = "http",
                ["port"] = port,
                ["targetPort"] = JsonValue.Create(targetPort ?? 8080),
            }),
        },
    };

    /// <summary>An HTTPRoute attached to a Service, with the given rules (JSON as in the spec).</summary>
    public static JsonObject Route(string ns, string name, string parentService, string? parentNamespace, params JsonObject[] rules)
    {
        var parent = new JsonObject { ["group"] = "", ["kind"] = "Service", ["name"] = parentService };
        if (parentNamespace is not null)
        {
            parent["namespace"] = parentNamespace;
        }
        return new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1",
            ["kind"] = "HTTPRoute",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["parentRefs"] = new JsonArray(parent),
                ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
            },
        };
    }

    public static JsonObject Rule(JsonObject? match, params (string Service, int Weight)[] backends)
    {
        var rule = new JsonObject
        {
            ["backendRefs"] = new JsonArray(backends.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Service,
                ["port"] = 80,
                ["weight"] = b.Weight,
            }).ToArray()),
        };
        if (match is not null)
        {
            rule["matches"] = new JsonArray(match);
        }
        return rule;
    }

    public static JsonObject PathPrefix(string value) => new() { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = value } };
}
