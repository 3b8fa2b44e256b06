using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;

using Mesh.Grains.Validation;

namespace Mesh.AppHost.LocalApi.Objects;

/// <summary>The basic validation every write goes through: object shape and name syntax.</summary>
internal static partial class ObjectValidation
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1035Message =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>Rejects bodies whose standard fields have the wrong JSON type (a decoding error on the real server).</summary>
    public static void CheckShape(JsonObject obj)
    {
        if (obj["metadata"] is { } metadata and not JsonObject)
        {
            throw ApiErrors.BadRequest("metadata: expected an object");
        }
        foreach (var field in new[] { "labels", "annotations" })
        {
            var map = (obj["metadata"] as JsonObject)?[field];
            if (map is null)
            {
                continue;
            }
            if (map is not JsonObject entries || entries.Any(e => ObjectMeta.String(e.Value) is null))
            {
                throw ApiErrors.BadRequest($"metadata.{field}: expected a map of strings");
            }
        }
    }

    /// <summary>Validates the name an object is about to be stored under.</summary>
    public static void CheckName(ResourceKind kind, string name)
    {
        if (name.Length == 0)
        {
            throw ApiErrors.Invalid(kind, name,
                [new FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
        }
        var (maxLength, valid, message) = NameRule(kind);
        var errors = new List<FieldError>();
        if (name.Length > maxLength)
        {
            errors.Add(new FieldError("metadata.name", "FieldValueInvalid",
                $"Invalid value: \"{name}\": must be no more than {maxLength} characters"));
        }
        if (!valid.IsMatch(name))
        {
            errors.Add(new FieldError("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": {message}"));
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(kind, name, errors);
        }
    }

    // Namespaces are DNS labels and Services DNS-1035 labels (they become DNS names); everything else a subdomain.
    private static (int MaxLength, Regex Valid, string Message) NameRule(ResourceKind kind) =>
        kind == ResourceCatalog.Namespace ? (63, Label(), LabelMessage)
        : kind == ResourceCatalog.Service ? (63, Dns1035(), Dns1035Message)
        : (253, Subdomain(), SubdomainMessage);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Subdomain();

    /// <summary>A DNS label's characters, which an IANA service name (a Service's named port) uses too.</summary>
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    internal static partial Regex Label();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1035();
}
