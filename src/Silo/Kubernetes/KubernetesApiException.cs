using System.Net;

namespace Mesh.Silo.Kubernetes;

/// <summary>A Kubernetes API call that answered with an error Status.</summary>
public sealed class KubernetesApiException(HttpStatusCode status, string reason, string message, TimeSpan? retryAfter = null)
    : Exception($"{(int)status} {reason}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Reason { get; } = reason;

    /// <summary>How long the server asked us to wait (Retry-After, or the Status's details.retryAfterSeconds).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
