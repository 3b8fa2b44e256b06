using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// The discovery documents clients read before anything else: <c>/api</c>, <c>/api/v1</c>, <c>/apis</c>,
/// <c>/apis/{group}</c>, <c>/apis/{group}/{version}</c> and <c>/version</c>. Only the legacy (unaggregated)
/// form is served; clients that ask for aggregated discovery fall back to it.
/// </summary>
internal static class DiscoveryDocuments
{
    private static readonly string[] Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <param name="serverAddress">host:port clients reach this server at.</param>
    public static JsonObject? Find(string path, string serverAddress)
    {
        var segments = path.Trim('/').Split('/');
        return segments switch
        {
            ["version"] => Version(),
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
                {
                    ["clientCIDR"] = "0.0.0.0/0",
                    ["serverAddress"] = serverAddress,
                }),
            },
            ["api", "v1"] => ResourceList("", "v1"),
            ["apis"] => new JsonObject
            {
                ["kind"] = "APIGroupList",
                ["apiVersion"] = "v1",
                ["groups"] = new JsonArray([.. ResourceCatalog.Groups.Select(Group)]),
            },
            ["apis", var group] => ResourceCatalog.Groups.FirstOrDefault(g => g.Key == group) is { } found ? Group(found) : null,
            ["apis", var group, var version] => ResourceList(group, version),
            _ => null,
        };
    }

    private static JsonObject Group(IGrouping<string, string> group)
    {
        var versions = group.Select(v => new JsonObject { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v }).ToList();
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group.Key,
            ["versions"] = new JsonArray([.. versions]),
            ["preferredVersion"] = versions[0].DeepClone(),
        };
    }

    private static JsonObject? ResourceList(string group, string version)
    {
        var kinds = ResourceCatalog.InGroupVersion(group, version).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray([.. Verbs.Select(v => JsonValue.Create(v))]),
                ["shortNames"] = new JsonArray([.. kind.ShortNames.Select(n => JsonValue.Create(n))]),
                ["categories"] = new JsonArray([.. kind.Categories.Select(c => JsonValue.Create(c))]),
            });
            if (kind.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{kind.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = kind.Namespaced,
                    ["kind"] = kind.Kind,
                    ["verbs"] = new JsonArray([.. StatusVerbs.Select(v => JsonValue.Create(v))]),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = kinds[0].ApiVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-mesh-local",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
