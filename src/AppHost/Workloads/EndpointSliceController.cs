using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// The EndpointSlice controller: for each Service with a selector, slices listing the pods in its namespace
/// that match the selector and have an address. Ports are resolved per pod (a named targetPort through the
/// pod's container ports), pods are grouped by the ports they resolve to with one slice per group (so
/// usually one slice), and a pod that resolves none of the Service's ports is left out. A slice is written
/// only when its content changes.
/// </summary>
internal sealed class EndpointSliceController(ObjectStore store)
    : Reconciler(store, ResourceCatalog.Service, ResourceCatalog.Pod, ResourceCatalog.EndpointSlice)
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ControllerName = "endpointslice-controller.k8s.io";

    protected override Task ReconcileAsync(CancellationToken ct)
    {
        var (services, pods, slices) = Snapshot(Store);
        foreach (var service in services)
        {
            ct.ThrowIfCancellationRequested();
            var existing = ManagedSlices(service, slices).ToList();
            var desired = DesiredSlices(service, pods);
            foreach (var (ports, endpoints) in desired)
            {
                var slice = existing.FirstOrDefault(s => JsonNode.DeepEquals(s["ports"], ports)) ?? existing.FirstOrDefault();
                if (slice is null)
                {
                    Store.Create(ResourceCatalog.EndpointSlice, NewSlice(service, ports, endpoints));
                    continue;
                }
                existing.Remove(slice);
                var labels = SliceLabels(service);
                if (!JsonNode.DeepEquals(slice["ports"], ports) || !JsonNode.DeepEquals(slice["endpoints"], endpoints) ||
                    !JsonNode.DeepEquals(ObjectMeta.Metadata(slice)["labels"], labels) || ObjectMeta.String(slice["addressType"]) != "IPv4")
                {
                    slice["addressType"] = "IPv4";
                    slice["ports"] = ports;
                    slice["endpoints"] = endpoints;
                    ObjectMeta.Metadata(slice)["labels"] = labels;
                    Store.Replace(ResourceCatalog.EndpointSlice, slice);
                }
            }
            foreach (var extra in existing)
            {
                Store.Delete(ResourceCatalog.EndpointSlice, ObjectMeta.Namespace(extra), ObjectMeta.Name(extra));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Whether every Service's slices hold what this controller would write now.</summary>
    public static bool InSync(ObjectStore store)
    {
        var (services, pods, slices) = Snapshot(store);
        foreach (var service in services)
        {
            var existing = ManagedSlices(service, slices).ToList();
            var desired = DesiredSlices(service, pods);
            if (existing.Count != desired.Count || !desired.All(d => existing.Any(s =>
                    JsonNode.DeepEquals(s["ports"], d.Ports) && JsonNode.DeepEquals(s["endpoints"], d.Endpoints))))
            {
                return false;
            }
        }
        return true;
    }

    private static (List<JsonObject> Services, List<JsonObject> Pods, List<JsonObject> Slices) Snapshot(ObjectStore store) =>
        ([.. store.List(ResourceCatalog.Service).Items.Select(s => s.ToJsonObject())],
         [.. store.List(ResourceCatalog.Pod).Items.Select(p => p.ToJsonObject())],
         [.. store.List(ResourceCatalog.EndpointSlice).Items.Select(s => s.ToJsonObject())]);

    // Slices of a Service that was deleted (or replaced under the same name) are the garbage collector's.
    private static IEnumerable<JsonObject> ManagedSlices(JsonObject service, List<JsonObject> slices) =>
        slices.Where(s =>
        {
            var labels = ObjectMeta.Labels(s);
            return ObjectMeta.Namespace(s) == ObjectMeta.Namespace(service) &&
                   labels.GetValueOrDefault(ManagedByLabel) == ControllerName &&
                   labels.GetValueOrDefault(ServiceNameLabel) == ObjectMeta.Name(service) &&
                   ObjectMeta.Owners(s).Any(o => o.Uid == ObjectMeta.Uid(service));
        });

    /// <summary>The slices the Service should have: one per distinct set of resolved ports. No selector, no
    /// slices; a selector matching nothing, one empty slice (as the real controller keeps).</summary>
    private static List<(JsonArray Ports, JsonArray Endpoints)> DesiredSlices(JsonObject service, List<JsonObject> pods)
    {
        var selector = ObjectMeta.StringMap(service["spec"]?["selector"]);
        if (selector.Count == 0 || ObjectMeta.String(service["spec"]?["type"]) == "ExternalName")
        {
            return [];
        }
        var servicePorts = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var groups = new List<(JsonArray Ports, JsonArray Endpoints)>();
        var members = pods
            .Where(p => ObjectMeta.Namespace(p) == ObjectMeta.Namespace(service))
            .Where(p => ObjectMeta.String(p["status"]?["podIP"]) is { Length: > 0 })
            .Where(p => ObjectMeta.String(p["status"]?["phase"]) is not ("Failed" or "Succeeded"))
            .Where(p => selector.All(s => ObjectMeta.Labels(p).GetValueOrDefault(s.Key) == s.Value))
            .OrderBy(ObjectMeta.Name, StringComparer.Ordinal);
        foreach (var pod in members)
        {
            var ports = ResolvePorts(servicePorts, pod);
            if (servicePorts.Count > 0 && ports.Count == 0)
            {
                continue;
            }
            var group = groups.FindIndex(g => JsonNode.DeepEquals(g.Ports, ports));
            if (group < 0)
            {
                groups.Add((ports, []));
                group = groups.Count - 1;
            }
            groups[group].Endpoints.Add(Endpoint(service, pod));
        }
        if (groups.Count == 0)
        {
            groups.Add(([], []));
        }
        return groups;
    }

    private static JsonArray ResolvePorts(List<JsonObject> servicePorts, JsonObject pod)
    {
        var ports = new JsonArray();
        foreach (var servicePort in servicePorts)
        {
            var protocol = ObjectMeta.String(servicePort["protocol"]) ?? "TCP";
            var targetPort = servicePort["targetPort"] ?? servicePort["port"];
            var number = ObjectMeta.Integer(targetPort) ?? NamedContainerPort(pod, ObjectMeta.String(targetPort), protocol);
            if (number is null)
            {
                continue;
            }
            var port = new JsonObject
            {
                ["name"] = ObjectMeta.String(servicePort["name"]) ?? "",
                ["protocol"] = protocol,
                ["port"] = number,
            };
            if (servicePort["appProtocol"] is { } appProtocol)
            {
                port["appProtocol"] = appProtocol.DeepClone();
            }
            ports.Add(port);
        }
        return ports;
    }

    private static long? NamedContainerPort(JsonObject pod, string? name, string protocol) =>
        (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(p => name is not null && ObjectMeta.String(p["name"]) == name && (ObjectMeta.String(p["protocol"]) ?? "TCP") == protocol)
            .Select(p => ObjectMeta.Integer(p["containerPort"]))
            .FirstOrDefault();

    private static JsonObject Endpoint(JsonObject service, JsonObject pod)
    {
        var serving = PodStatuses.IsReady(pod);
        var ready = serving || ObjectMeta.Boolean(service["spec"]?["publishNotReadyAddresses"]) == true;
        var endpoint = new JsonObject
        {
            ["addresses"] = new JsonArray(ObjectMeta.String(pod["status"]?["podIP"])),
            ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = serving, ["terminating"] = false },
            ["targetRef"] = new JsonObject
            {
                ["kind"] = "Pod",
                ["namespace"] = ObjectMeta.Namespace(pod),
                ["name"] = ObjectMeta.Name(pod),
                ["uid"] = ObjectMeta.Uid(pod),
            },
        };
        if (ObjectMeta.String(pod["spec"]?["nodeName"]) is { } node)
        {
            endpoint["nodeName"] = node;
        }
        return endpoint;
    }

    private static JsonObject SliceLabels(JsonObject service)
    {
        var labels = (ObjectMeta.Metadata(service)["labels"]?.DeepClone() as JsonObject) ?? [];
        labels[ServiceNameLabel] = ObjectMeta.Name(service);
        labels[ManagedByLabel] = ControllerName;
        if (ObjectMeta.String(service["spec"]?["clusterIP"]) == "None")
        {
            labels["service.kubernetes.io/headless"] = "";
        }
        return labels;
    }

    private static JsonObject NewSlice(JsonObject service, JsonArray ports, JsonArray endpoints) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["generateName"] = $"{ObjectMeta.Name(service)}-",
            ["namespace"] = ObjectMeta.Namespace(service),
            ["labels"] = SliceLabels(service),
            ["ownerReferences"] = new JsonArray(ObjectMeta.ControllerReference("v1", "Service", service)),
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = endpoints,
        ["ports"] = ports,
    };
}
