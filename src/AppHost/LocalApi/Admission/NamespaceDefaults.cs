using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>What the API server adds to every Namespace: the immutable name label (namespace selectors rely
/// on it), the kubernetes finalizer and phase Active.</summary>
internal sealed class NamespaceDefaults : IAdmissionPlugin
{
    public void Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        if (kind != ResourceCatalog.Namespace)
        {
            return;
        }
        var metadata = ObjectMeta.Metadata(obj);
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = [];
            metadata["labels"] = labels;
        }
        labels["kubernetes.io/metadata.name"] = ObjectMeta.Name(obj);
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }
        spec["finalizers"] ??= new JsonArray("kubernetes");
        if (obj["status"] is not JsonObject status)
        {
            status = [];
            obj["status"] = status;
        }
        status["phase"] = "Active";
    }

    public void Release(ResourceKind kind, JsonObject deleted)
    {
    }
}
