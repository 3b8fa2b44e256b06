using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// Whether the workloads have settled: every Deployment has exactly its replicas of the current template,
/// every pod is Ready (its echo servers listen), and the EndpointSlices list them.
/// </summary>
internal static class ClusterReadiness
{
    /// <summary>What is still pending, or null when everything is ready.</summary>
    /// <exception cref="InvalidOperationException">A pod failed to start; waiting longer would not help.</exception>
    public static string? Pending(ObjectStore store)
    {
        var pods = store.List(ResourceCatalog.Pod).Items.Select(p => p.ToJsonObject()).ToList();
        if (pods.FirstOrDefault(p => ObjectMeta.String(p["status"]?["phase"]) == "Failed") is { } failed)
        {
            throw new InvalidOperationException(
                $"pod {ObjectMeta.Namespace(failed)}/{ObjectMeta.Name(failed)} failed: {ObjectMeta.String(failed["status"]?["message"])}");
        }
        foreach (var deployment in store.List(ResourceCatalog.Deployment).Items.Select(d => d.ToJsonObject()))
        {
            var hash = DeploymentController.CurrentHash(deployment);
            var owned = DeploymentController.OwnedPods(deployment, pods).ToList();
            var replicas = DeploymentController.DesiredReplicas(deployment);
            if (owned.Count != replicas || owned.Any(p => ObjectMeta.Labels(p).GetValueOrDefault(DeploymentController.TemplateHashLabel) != hash))
            {
                return $"deployment {ObjectMeta.Namespace(deployment)}/{ObjectMeta.Name(deployment)} has {owned.Count} of {replicas} pods";
            }
        }
        if (pods.FirstOrDefault(p => !PodStatuses.IsReady(p)) is { } notReady)
        {
            return $"pod {ObjectMeta.Namespace(notReady)}/{ObjectMeta.Name(notReady)} is not ready";
        }
        return EndpointSliceController.InSync(store) ? null : "endpoint slices are being updated";
    }
}
