using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;
using Mesh.Grains.Validation;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>
/// What the Gateway API CRDs' schemas and CEL rules enforce in a real cluster: an invalid HTTPRoute,
/// GRPCRoute or ReferenceGrant is refused with 422 and its field causes, and never reaches the store; a valid
/// one is stored with the schemas' defaults filled in (<see cref="GatewayApiDefaults"/>).
/// </summary>
internal sealed class GatewayApiAdmission : IAdmissionPlugin
{
    public void Admit(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        if (!GatewayApiValidation.Handles(kind.Kind))
        {
            return;
        }
        var errors = GatewayApiValidation.Validate(kind.Kind, obj);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(kind, ObjectMeta.String(obj["metadata"]?["name"]) ?? "", errors);
        }
        GatewayApiDefaults.Apply(kind.Kind, obj);
    }

    public void Release(ResourceKind kind, JsonObject deleted)
    {
    }
}
