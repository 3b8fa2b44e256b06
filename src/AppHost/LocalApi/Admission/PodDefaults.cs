using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>
/// Pod defaults: a new pod starts Pending, and is bound to the one local node at once (the local cluster
/// has no scheduler); container ports default to TCP.
/// </summary>
internal sealed class PodDefaults : IAdmissionPlugin
{
    public const string NodeName = "local";

    public void Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        if (kind != ResourceCatalog.Pod)
        {
            return;
        }
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }
        if (old is null)
        {
            if (string.IsNullOrEmpty(ObjectMeta.String(spec["nodeName"])))
            {
                spec["nodeName"] = NodeName;
            }
            obj["status"] = new JsonObject { ["phase"] = "Pending" };
        }
        foreach (var container in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
            }
        }
    }

    public void Release(ResourceKind kind, JsonObject deleted)
    {
    }
}
