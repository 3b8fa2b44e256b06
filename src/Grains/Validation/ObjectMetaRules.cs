using System.Text.RegularExpressions;

namespace Mesh.Grains.Validation;

/// <summary>What the API server checks in the metadata of every namespaced custom resource.</summary>
internal static class ObjectMetaRules
{
    private const string SubdomainPattern = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string LabelPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static readonly Regex Subdomain = Re2.Compile($"^{SubdomainPattern}$");
    private static readonly Regex Label = Re2.Compile($"^{LabelPattern}$");

    public static void Validate(Cursor metadata)
    {
        var meta = metadata.AsObject();
        Name(metadata.Field("name"), Json.Text(meta?["generateName"]));
        Namespace(metadata.Field("namespace"));
    }

    // The name must be a DNS-1123 subdomain; a create may leave it to the server through generateName.
    private static void Name(Cursor name, string? generateName)
    {
        var value = name.AsString();
        if (name.Present && value is null)
        {
            return; // another JSON type, reported already
        }
        if (string.IsNullOrEmpty(value))
        {
            if (string.IsNullOrEmpty(generateName))
            {
                name.Findings.Add(name.Path, Reasons.Required, "Required value: name or generateName is required");
            }
            return;
        }
        if (value.Length > 253)
        {
            name.Invalid("must be no more than 253 characters");
        }
        if (!Subdomain.IsMatch(value))
        {
            name.Invalid("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
                $"and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{SubdomainPattern}')");
        }
    }

    // The namespace normally comes from the request path; when the body names one it must be a DNS-1123 label.
    private static void Namespace(Cursor ns)
    {
        if (ns.AsString() is { Length: > 0 } value && (value.Length > 63 || !Label.IsMatch(value)))
        {
            ns.Invalid("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start " +
                $"and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '{LabelPattern}')");
        }
    }
}
