using System.Text.Json.Nodes;

namespace Mesh.AppHost;

/// <summary>
/// A request the local Kubernetes API refused. Carries what the API answers over HTTP: the status code,
/// the Kubernetes reason (NotFound, AlreadyExists, Conflict, Invalid, ...) and the Status details.
/// </summary>
public sealed class LocalApiException : Exception
{
    internal LocalApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    /// <summary>The HTTP status code, e.g. 404, 409, 422.</summary>
    public int Code { get; }

    /// <summary>The Kubernetes <c>Status.reason</c>, e.g. "NotFound", "Conflict", "Invalid".</summary>
    public string Reason { get; }

    internal JsonObject? Details { get; }

    /// <summary>The <c>Status</c> object the real API server answers with.</summary>
    internal JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }
        status["code"] = Code;
        return status;
    }
}
