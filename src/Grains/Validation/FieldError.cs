namespace Mesh.Grains.Validation;

/// <summary>
/// One admission error, shaped like a Kubernetes StatusCause: <paramref name="Field"/> is the path
/// ("spec.rules[0].matches[1].path.value"), <paramref name="Reason"/> a Kubernetes cause type
/// ("FieldValueInvalid", ...) and <paramref name="Message"/> the error body the API server would write
/// ("Invalid value: \"//\": must not contain '//' ...").
/// </summary>
public sealed record FieldError(string Field, string Reason, string Message);

/// <summary>The Kubernetes cause types the validator reports.</summary>
internal static class Reasons
{
    public const string Required = "FieldValueRequired";
    public const string Invalid = "FieldValueInvalid";
    public const string NotSupported = "FieldValueNotSupported";
    public const string TooLong = "FieldValueTooLong";
    public const string TooMany = "FieldValueTooMany";
    public const string Duplicate = "FieldValueDuplicate";
    public const string TypeInvalid = "FieldValueTypeInvalid";
}
