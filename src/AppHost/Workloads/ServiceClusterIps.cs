using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

using Mesh.Grains.Validation;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// Allocates Service cluster IPs inside the create, as the API server does, so the created Service already
/// carries <c>spec.clusterIP</c>. "None" stays headless; an explicit address must be free and in range;
/// the address is immutable afterwards and returns to the pool when the Service is deleted.
/// </summary>
internal sealed class ServiceClusterIps(AddressPool pool) : IAdmissionPlugin
{
    public void Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        if (kind != ResourceCatalog.Service || obj["spec"] is not JsonObject spec)
        {
            return;
        }
        var requested = ObjectMeta.String(spec["clusterIP"]);
        if (old is not null)
        {
            KeepAllocated(obj, spec, requested, old);
            return;
        }
        if (ObjectMeta.String(spec["type"]) == "ExternalName")
        {
            return;
        }
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            return;
        }
        IPAddress address;
        if (string.IsNullOrEmpty(requested))
        {
            address = pool.Allocate() ?? throw new LocalApiException(500, "InternalError", "failed to allocate a serviceIP: range is full");
        }
        else if (!IPAddress.TryParse(requested, out address!))
        {
            throw Invalid(obj, requested, "must be a valid IP address");
        }
        else if (!pool.TryReserve(address))
        {
            throw Invalid(obj, requested, pool.Contains(address)
                ? "provided IP is already allocated"
                : $"provided IP is not in the valid range. The range of valid IPs is {pool.Range}");
        }
        spec["clusterIP"] = address.ToString();
        spec["clusterIPs"] = new JsonArray(address.ToString());
    }

    public void Release(ResourceKind kind, JsonObject deleted)
    {
        if (kind == ResourceCatalog.Service && IPAddress.TryParse(ObjectMeta.String(deleted["spec"]?["clusterIP"]), out var address))
        {
            pool.Release(address);
        }
    }

    // A replace without clusterIP keeps the allocated one (as the real server fills it in); changing it is invalid.
    private static void KeepAllocated(JsonObject obj, JsonObject spec, string? requested, JsonObject old)
    {
        var oldSpec = old["spec"] as JsonObject;
        var allocated = ObjectMeta.String(oldSpec?["clusterIP"]);
        if (string.IsNullOrEmpty(requested))
        {
            if (allocated is not null)
            {
                spec["clusterIP"] = allocated;
                spec["clusterIPs"] = oldSpec?["clusterIPs"]?.DeepClone();
            }
            return;
        }
        if (requested != allocated)
        {
            throw ApiErrors.Invalid(ResourceCatalog.Service, ObjectMeta.Name(obj),
                [new FieldError("spec.clusterIPs[0]", "FieldValueInvalid", $"Invalid value: \"{requested}\": field is immutable")]);
        }
        spec["clusterIPs"] ??= new JsonArray(requested);
    }

    private static LocalApiException Invalid(JsonObject obj, string requested, string reason) =>
        ApiErrors.Invalid(ResourceCatalog.Service, ObjectMeta.Name(obj),
            [new FieldError("spec.clusterIPs", "FieldValueInvalid", $"Invalid value: [\"{requested}\"]: failed to allocate IP {requested}: {reason}")]);
}
