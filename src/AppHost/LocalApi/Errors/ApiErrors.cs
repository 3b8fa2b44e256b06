using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;

using Mesh.Grains.Validation;

namespace Mesh.AppHost.LocalApi.Errors;

/// <summary>The errors of the Kubernetes API, worded as the real server words them.</summary>
internal static class ApiErrors
{
    public static LocalApiException NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{Qualified(kind)} \"{name}\" not found", Details(kind, name));

    public static LocalApiException AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{Qualified(kind)} \"{name}\" already exists", Details(kind, name));

    public static LocalApiException Conflict(ResourceKind kind, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {Qualified(kind)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(kind, name));

    public static LocalApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static LocalApiException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static LocalApiException UnknownResource() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static LocalApiException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    /// <summary>422 Invalid with one cause per invalid field, as field validation reports it.</summary>
    public static LocalApiException Invalid(ResourceKind kind, string name, IReadOnlyList<FieldError> errors)
    {
        var details = Details(kind, name);
        details["kind"] = kind.Kind;
        var causes = new JsonArray();
        foreach (var error in errors)
        {
            causes.Add(new JsonObject
            {
                ["reason"] = error.Reason,
                ["message"] = error.Message,
                ["field"] = error.Field,
            });
        }
        details["causes"] = causes;
        var summary = string.Join(", ", errors.Select(e => $"{e.Field}: {e.Message}"));
        var message = errors.Count == 1 ? summary : $"[{summary}]";
        var qualifiedKind = kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}";
        return new(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {message}", details);
    }

    private static string Qualified(ResourceKind kind) =>
        kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";

    private static JsonObject Details(ResourceKind kind, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (kind.Group.Length > 0)
        {
            details["group"] = kind.Group;
        }
        details["kind"] = kind.Plural;
        return details;
    }
}

