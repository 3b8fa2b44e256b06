namespace Mesh.AppHost.LocalApi.Errors;

/// <summary>One field that failed validation; Reason is a Kubernetes cause type like FieldValueInvalid.</summary>
internal sealed record FieldError(string Field, string Reason, string Message);
