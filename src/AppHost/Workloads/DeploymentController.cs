using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Admission;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// Keeps <c>spec.replicas</c> (default 1) pods of each Deployment's current template, named
/// <c>&lt;deployment&gt;-&lt;template hash&gt;-&lt;suffix&gt;</c> and owned by the Deployment (there are no
/// ReplicaSets here). A changed template replaces the pods (Recreate); scaling down removes the newest.
/// The Deployment's status counts its pods. Deleting the Deployment leaves its pods to the garbage collector.
/// </summary>
internal sealed class DeploymentController(ObjectStore store)
    : Reconciler(store, ResourceCatalog.Deployment, ResourceCatalog.Pod)
{
    public const string TemplateHashLabel = "pod-template-hash";

    protected override Task ReconcileAsync(CancellationToken ct)
    {
        var pods = Store.List(ResourceCatalog.Pod).Items.Select(p => p.ToJsonObject()).ToList();
        foreach (var deployment in Store.List(ResourceCatalog.Deployment).Items)
        {
            ct.ThrowIfCancellationRequested();
            Reconcile(deployment.ToJsonObject(), pods);
        }
        return Task.CompletedTask;
    }

    /// <summary>The pods a Deployment controls.</summary>
    public static IEnumerable<JsonObject> OwnedPods(JsonObject deployment, IEnumerable<JsonObject> pods)
    {
        var uid = ObjectMeta.Uid(deployment);
        var ns = ObjectMeta.Namespace(deployment);
        return pods.Where(p => ObjectMeta.Namespace(p) == ns && ObjectMeta.Owners(p).Any(o => o.Controller && o.Uid == uid));
    }

    public static long DesiredReplicas(JsonObject deployment) =>
        Math.Max(0, ObjectMeta.Integer(deployment["spec"]?["replicas"]) ?? 1);

    public static string CurrentHash(JsonObject deployment) => TemplateHash.Compute(deployment["spec"]?["template"]);

    private void Reconcile(JsonObject deployment, List<JsonObject> pods)
    {
        var hash = CurrentHash(deployment);
        var owned = OwnedPods(deployment, pods).ToList();
        var current = owned
            .Where(p => ObjectMeta.Labels(p).GetValueOrDefault(TemplateHashLabel) == hash)
            .OrderBy(p => ObjectMeta.MetadataString(p, "creationTimestamp"), StringComparer.Ordinal)
            .ThenBy(ObjectMeta.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var outdated in owned.Except(current))
        {
            Store.Delete(ResourceCatalog.Pod, ObjectMeta.Namespace(outdated), ObjectMeta.Name(outdated));
        }
        var replicas = DesiredReplicas(deployment);
        while (current.Count > replicas)
        {
            var newest = current[^1];
            current.RemoveAt(current.Count - 1);
            Store.Delete(ResourceCatalog.Pod, ObjectMeta.Namespace(newest), ObjectMeta.Name(newest));
        }
        while (current.Count < replicas)
        {
            current.Add(Store.Create(ResourceCatalog.Pod, NewPod(deployment, hash)).ToJsonObject());
        }
        UpdateStatus(deployment, current, hash);
    }

    private static JsonObject NewPod(JsonObject deployment, string hash)
    {
        var template = deployment["spec"]?["template"] as JsonObject ?? [];
        var templateMetadata = template["metadata"] as JsonObject ?? [];
        var labels = templateMetadata["labels"]?.DeepClone() as JsonObject ?? [];
        labels[TemplateHashLabel] = hash;
        var metadata = new JsonObject
        {
            ["generateName"] = $"{ObjectMeta.Name(deployment)}-{hash}-",
            ["namespace"] = ObjectMeta.Namespace(deployment),
            ["labels"] = labels,
        };
        if (templateMetadata["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        metadata["ownerReferences"] = new JsonArray(ObjectMeta.ControllerReference("apps/v1", "Deployment", deployment));
        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["nodeName"] = PodDefaults.NodeName;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    private void UpdateStatus(JsonObject deployment, List<JsonObject> current, string hash)
    {
        var replicas = DesiredReplicas(deployment);
        var ready = current.Count(PodStatuses.IsReady);
        var old = deployment["status"] as JsonObject;
        var available = ready >= replicas;
        var status = new JsonObject
        {
            ["observedGeneration"] = ObjectMeta.Generation(deployment),
            ["replicas"] = current.Count,
            ["updatedReplicas"] = current.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
        };
        if (current.Count > ready)
        {
            status["unavailableReplicas"] = current.Count - ready;
        }
        var replicaSet = $"{ObjectMeta.Name(deployment)}-{hash}";
        status["conditions"] = new JsonArray(
            Condition(old, "Available", available,
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            Condition(old, "Progressing", true,
                available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                available ? $"ReplicaSet \"{replicaSet}\" has successfully progressed." : $"ReplicaSet \"{replicaSet}\" is progressing."));
        if (!JsonNode.DeepEquals(old, status))
        {
            deployment["status"] = status;
            Store.Replace(ResourceCatalog.Deployment, deployment, statusOnly: true);
        }
    }

    // Condition times move only when the condition does, so an unchanged Deployment is not rewritten.
    private static JsonObject Condition(JsonObject? oldStatus, string type, bool value, string reason, string message)
    {
        var status = value ? "True" : "False";
        var previous = (oldStatus?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => ObjectMeta.String(c["type"]) == type);
        var unchanged = previous is not null && ObjectMeta.String(previous["status"]) == status && ObjectMeta.String(previous["reason"]) == reason;
        var now = Timestamps.Now();
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = unchanged ? ObjectMeta.String(previous!["lastUpdateTime"]) : now,
            ["lastTransitionTime"] = previous is not null && ObjectMeta.String(previous["status"]) == status
                ? ObjectMeta.String(previous["lastTransitionTime"])
                : now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }
}
