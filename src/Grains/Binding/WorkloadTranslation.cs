using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Binding;

/// <summary>The pod directory: read whole from the pods, since any pod may change it.</summary>
internal static class WorkloadTranslation
{
    /// <summary>Which pod owns each address, ordered by address.</summary>
    public static WorkloadDirectory Of(IEnumerable<Pod> pods) => new()
    {
        Workloads = pods
            .Where(p => p.Status?.PodIP is { Length: > 0 } && p.Status.Phase is not ("Succeeded" or "Failed"))
            .Select(p => new Workload { Address = p.Status!.PodIP!, Namespace = p.Metadata.Namespace ?? "default", Pod = p.Metadata.Name })
            .OrderBy(w => w.Address, StringComparer.Ordinal)
            .ThenBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Pod, StringComparer.Ordinal)
            .ToList(),
    };
}
