using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>
/// Admission validation equal to the Gateway API v1.4 experimental-channel CRDs (OpenAPI schema plus
/// x-kubernetes-validations), with a few rules taken from later releases: redirect status codes 303/307/308,
/// unique retry codes, retry attempts of at least 1, and no repeated CORS filter. The local Kubernetes API
/// answers 422 with these errors; the silo re-checks objects that a cluster's own CRDs let through.
/// </summary>
public static partial class GatewayApiValidation
{
    private static readonly Dictionary<string, Action<Cursor>> Specs = new(StringComparer.Ordinal)
    {
        ["HTTPRoute"] = HttpRouteRules.Spec,
        ["GRPCRoute"] = GrpcRouteRules.Spec,
        ["ReferenceGrant"] = ReferenceGrantRules.Spec,
    };

    /// <summary>Whether <paramref name="kind"/> ("HTTPRoute", "GRPCRoute", "ReferenceGrant") has rules here.</summary>
    public static bool Handles(string kind) => Specs.ContainsKey(kind);

    /// <summary>
    /// Whether one parentRef has the schema's shape on its own (the list's uniqueness rules aside). A route's
    /// status names its parents in the same schema, so the API server refuses a status write naming one that does not.
    /// </summary>
    public static bool IsWellFormedParentRef(JsonObject parentRef)
    {
        var findings = new Findings();
        ParentRefRules.One(new Cursor(findings, "parentRef", parentRef));
        return findings.Result().Count == 0;
    }

    /// <summary>
    /// The errors the API server would report for <paramref name="obj"/>; empty when it is valid, and for a
    /// kind this class does not handle. Bad input never throws: a value of the wrong JSON type is a
    /// FieldValueTypeInvalid error at its path. As in the API server, the CEL rules are not evaluated when the
    /// schema pass finds a blocking error (wrong type, required, enum, maxLength, maxItems); a final error
    /// with an empty field then says so. A property name repeated within one JSON object is a
    /// FieldValueDuplicate error, reported alone.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(string kind, JsonObject obj)
    {
        if (!Specs.TryGetValue(kind, out var validateSpec))
        {
            return [];
        }
        try
        {
            var findings = new Findings();
            var root = new Cursor(findings, "", obj);
            ObjectMetaRules.Validate(root.Field("metadata"));
            var spec = root.Field("spec");
            if (spec.ReadObject(required: true) is not null)
            {
                validateSpec(spec);
            }
            return findings.Result();
        }
        catch (ArgumentException) when (DuplicateFields.Find(obj) is { Count: > 0 } duplicates)
        {
            return duplicates; // the object cannot be read as one value per field
        }
    }
}
