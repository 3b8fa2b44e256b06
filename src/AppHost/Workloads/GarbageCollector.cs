using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// Deletes objects whose owners are all gone (a Deployment's pods, a Service's EndpointSlices), matching
/// owners by uid as Kubernetes' garbage collector does. Owners of kinds this API does not serve are
/// assumed to exist.
/// </summary>
internal sealed class GarbageCollector(ObjectStore store) : Reconciler(store)
{
    protected override Task ReconcileAsync(CancellationToken ct)
    {
        var objects = Store.ListAll();
        var uids = objects.Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in objects)
        {
            var owners = ObjectMeta.Owners(orphan.ToJsonObject()).ToList();
            if (owners.Count > 0 && owners.All(o => ResourceCatalog.ByKind(o.ApiVersion, o.Kind) is not null && !uids.Contains(o.Uid)))
            {
                ct.ThrowIfCancellationRequested();
                Store.Delete(orphan.Kind, orphan.Namespace, orphan.Name);
            }
        }
        return Task.CompletedTask;
    }
}
