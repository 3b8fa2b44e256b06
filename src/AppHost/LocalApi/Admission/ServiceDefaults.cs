using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>The API server's Service defaults (type ClusterIP, ports TCP with targetPort = port, single-stack IPv4), then its checks.</summary>
internal sealed class ServiceDefaults : IAdmissionPlugin
{
    public void Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        if (kind != ResourceCatalog.Service)
        {
            return;
        }
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
        if (ObjectMeta.String(spec["type"]) != "ExternalName")
        {
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["internalTrafficPolicy"] ??= "Cluster";
        }
        ServiceValidation.Check(obj, spec);
    }

    public void Release(ResourceKind kind, JsonObject deleted)
    {
    }
}
