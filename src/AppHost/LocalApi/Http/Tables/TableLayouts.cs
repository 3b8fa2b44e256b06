using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;

namespace Mesh.AppHost.LocalApi.Http.Tables;

/// <summary>The columns <c>kubectl get</c> shows per kind, computed as the real server's printers do.</summary>
internal static class TableLayouts
{
    private const string None = "<none>";

    private static readonly TableColumn NameColumn = new("Name", "string", 0,
        "Name must be unique within a namespace.", o => ObjectMeta.Name(o));

    private static readonly TableColumn AgeColumn = new("Age", "string", 0,
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
        o => Timestamps.Parse(ObjectMeta.MetadataString(o, "creationTimestamp")) is { } created
            ? HumanDuration.Format(DateTimeOffset.UtcNow - created)
            : "<unknown>");

    public static IReadOnlyList<TableColumn> For(ResourceKind kind)
    {
        if (kind == ResourceCatalog.Pod)
        {
            return
            [
                NameColumn,
                new("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic.", o => PodReady(o)),
                new("Status", "string", 0, "The aggregate status of the containers in this pod.",
                    o => Text(o["status"]?["reason"]) ?? Text(o["status"]?["phase"]) ?? "Unknown"),
                new("Restarts", "string", 0, "The number of times the containers in this pod have been restarted.",
                    o => Items(o["status"]?["containerStatuses"]).Sum(c => ObjectMeta.Integer(c["restartCount"]) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                AgeColumn,
                new("IP", "string", 1, "IP address allocated to the pod.", o => Text(o["status"]?["podIP"]) ?? None),
                new("Node", "string", 1, "Name of the Node this pod is bound to.", o => Text(o["spec"]?["nodeName"]) ?? None),
                new("Nominated Node", "string", 1, "Name of the Node this pod is nominated to.", _ => None),
                new("Readiness Gates", "string", 1, "Pod readiness gates.", _ => None),
            ];
        }
        if (kind == ResourceCatalog.Service)
        {
            return
            [
                NameColumn,
                new("Type", "string", 0, "The type of the service.", o => Text(o["spec"]?["type"]) ?? "ClusterIP"),
                new("Cluster-IP", "string", 0, "The cluster IP of the service.", o => Text(o["spec"]?["clusterIP"]) ?? None),
                new("External-IP", "string", 0, "The external IP of the service.", o => Text(o["spec"]?["externalName"]) ?? None),
                new("Port(s)", "string", 0, "The ports of the service.", o => ServicePorts(o)),
                AgeColumn,
                new("Selector", "string", 1, "The selector of the service.", o => Selector(o["spec"]?["selector"])),
            ];
        }
        if (kind == ResourceCatalog.Deployment)
        {
            return
            [
                NameColumn,
                new("Ready", "string", 0, "Number of the pod with ready state.",
                    o => $"{Number(o["status"]?["readyReplicas"])}/{ObjectMeta.Integer(o["spec"]?["replicas"]) ?? 1}"),
                new("Up-to-date", "integer", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                    o => Number(o["status"]?["updatedReplicas"])),
                new("Available", "integer", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                    o => Number(o["status"]?["availableReplicas"])),
                AgeColumn,
                new("Containers", "string", 1, "Names of each container in the template.",
                    o => string.Join(",", Items(o["spec"]?["template"]?["spec"]?["containers"]).Select(c => Text(c["name"])))),
                new("Images", "string", 1, "Images referenced by each container in the template.",
                    o => string.Join(",", Items(o["spec"]?["template"]?["spec"]?["containers"]).Select(c => Text(c["image"])))),
                new("Selector", "string", 1, "The label selector for pods.", o => Selector(o["spec"]?["selector"]?["matchLabels"])),
            ];
        }
        if (kind == ResourceCatalog.EndpointSlice)
        {
            return
            [
                NameColumn,
                new("AddressType", "string", 0, "The IP protocol for this slice.", o => Text(o["addressType"])),
                new("Ports", "string", 0, "The ports of the endpoints in this slice.",
                    o => Unset(string.Join(",", Items(o["ports"]).Select(p => ObjectMeta.Integer(p["port"]))))),
                new("Endpoints", "string", 0, "The endpoints in this slice.",
                    o => Unset(string.Join(",", Items(o["endpoints"]).SelectMany(e => (e["addresses"] as JsonArray ?? []).Select(Text))))),
                AgeColumn,
            ];
        }
        if (kind == ResourceCatalog.Namespace)
        {
            return [NameColumn, new("Status", "string", 0, "The status of the namespace.", o => Text(o["status"]?["phase"])), AgeColumn];
        }
        if (kind == ResourceCatalog.Lease)
        {
            return [NameColumn, new("Holder", "string", 0, "The holder of the lease.", o => Text(o["spec"]?["holderIdentity"]) ?? ""), AgeColumn];
        }
        if (kind == ResourceCatalog.HttpRoute || kind == ResourceCatalog.GrpcRoute)
        {
            return [NameColumn, new("Hostnames", "string", 0, "Hostnames of the route.", o => o["spec"]?["hostnames"]?.ToJsonString()), AgeColumn];
        }
        return [NameColumn, AgeColumn];
    }

    private static string PodReady(JsonObject pod)
    {
        var containers = Items(pod["spec"]?["containers"]).Count();
        var ready = Items(pod["status"]?["containerStatuses"]).Count(c => ObjectMeta.Boolean(c["ready"]) == true);
        return $"{ready}/{containers}";
    }

    private static string ServicePorts(JsonObject service)
    {
        var ports = Items(service["spec"]?["ports"]).Select(p =>
        {
            var nodePort = ObjectMeta.Integer(p["nodePort"]) is { } node ? $":{node}" : "";
            return $"{ObjectMeta.Integer(p["port"])}{nodePort}/{Text(p["protocol"]) ?? "TCP"}";
        });
        return string.Join(",", ports) is { Length: > 0 } text ? text : None;
    }

    private static string Selector(JsonNode? map)
    {
        var entries = ObjectMeta.StringMap(map).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}");
        return string.Join(",", entries) is { Length: > 0 } text ? text : None;
    }

    private static IEnumerable<JsonObject> Items(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonObject>();

    private static string? Text(JsonNode? node) => ObjectMeta.String(node);

    private static long Number(JsonNode? node) => ObjectMeta.Integer(node) ?? 0;

    private static string Unset(string text) => text.Length > 0 ? text : "<unset>";
}
