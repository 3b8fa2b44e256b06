using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.Grains.Validation;

namespace Mesh.AppHost.LocalApi.Admission;

/// <summary>
/// The API server's checks of a Service's type and ports, with its words: a type it knows, ports (unless
/// ExternalName or headless) from 1 to 65535 with a known protocol, names that are DNS labels, required and
/// unique once there are several, no port and protocol twice, target ports in range or IANA service names.
/// Run after defaulting and before a cluster IP is allocated, so a refused Service holds no address.
/// </summary>
internal static class ServiceValidation
{
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static void Check(JsonObject obj, JsonObject spec)
    {
        var errors = new List<FieldError>();
        var type = ObjectMeta.String(spec["type"]);
        if (type is not null && !Types.Contains(type))
        {
            errors.Add(new FieldError("spec.type", "FieldValueNotSupported", $"Unsupported value: \"{type}\": supported values: {Quoted(Types)}"));
        }
        var ports = (spec["ports"] as JsonArray)?.ToList() ?? [];
        if (ports.Count == 0 && type != "ExternalName" && ObjectMeta.String(spec["clusterIP"]) != "None")
        {
            errors.Add(new FieldError("spec.ports", "FieldValueRequired", "Required value"));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var portsSeen = new HashSet<(long, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var field = $"spec.ports[{i}]";
            if (ports[i] is not JsonObject port)
            {
                errors.Add(new FieldError(field, "FieldValueInvalid", "Invalid value: must be an object"));
                continue;
            }
            var name = ObjectMeta.String(port["name"]);
            if (string.IsNullOrEmpty(name))
            {
                if (ports.Count > 1)
                {
                    errors.Add(new FieldError($"{field}.name", "FieldValueRequired", "Required value"));
                }
            }
            else if (!ObjectValidation.Label().IsMatch(name) || name.Length > 63)
            {
                errors.Add(new FieldError($"{field}.name", "FieldValueInvalid",
                    $"Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
            }
            else if (!names.Add(name))
            {
                errors.Add(new FieldError($"{field}.name", "FieldValueDuplicate", $"Duplicate value: \"{name}\""));
            }
            var number = Number(port["port"]);
            if (number is not (>= 1 and <= 65535))
            {
                errors.Add(new FieldError($"{field}.port", "FieldValueInvalid", $"Invalid value: {Written(port["port"])}: must be between 1 and 65535, inclusive"));
            }
            var protocol = ObjectMeta.String(port["protocol"]) ?? "TCP";
            if (!Protocols.Contains(protocol))
            {
                errors.Add(new FieldError($"{field}.protocol", "FieldValueNotSupported", $"Unsupported value: \"{protocol}\": supported values: {Quoted(Protocols)}"));
            }
            else if (number is { } seen && !portsSeen.Add((seen, protocol)))
            {
                errors.Add(new FieldError(field, "FieldValueDuplicate", $"Duplicate value: {{\"port\":{seen},\"protocol\":\"{protocol}\"}}"));
            }
            switch (port["targetPort"])
            {
                case JsonValue target when target.TryGetValue<string>(out var targetName):
                    if (!ObjectValidation.Label().IsMatch(targetName) || targetName.Length > 15 || !targetName.Any(char.IsAsciiLetter))
                    {
                        errors.Add(new FieldError($"{field}.targetPort", "FieldValueInvalid",
                            $"Invalid value: \"{targetName}\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters, with at least one letter"));
                    }
                    break;
                case JsonValue target when Number(target) is not (>= 1 and <= 65535):
                    errors.Add(new FieldError($"{field}.targetPort", "FieldValueInvalid", $"Invalid value: {Written(target)}: must be between 1 and 65535, inclusive"));
                    break;
            }
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(ResourceCatalog.Service, ObjectMeta.Name(obj), errors);
        }
    }

    private static long? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number
        : node is JsonValue other && other.TryGetValue<double>(out var real) && real == Math.Floor(real) && Math.Abs(real) < 1e15 ? (long)real
        : null;

    private static string Written(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string Quoted(string[] values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
