namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate: an explicit server (the AppHost's local API), or the
/// in-cluster service account, whose token is re-read on every request because kubelet rotates it.
/// </summary>
public sealed class KubernetesConnection
{
    private const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required Uri Server { get; init; }
    public string? TokenFile { get; init; }
    public string? CaFile { get; init; }

    public string? ReadToken() =>
        TokenFile is not null && File.Exists(TokenFile) ? File.ReadAllText(TokenFile).Trim() : null;

    /// <summary>The explicit server when one is given, else the in-cluster configuration.</summary>
    public static KubernetesConnection Resolve(string? server)
    {
        if (!string.IsNullOrEmpty(server))
        {
            return new KubernetesConnection { Server = new Uri(server.EndsWith('/') ? server : server + "/") };
        }
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new InvalidOperationException(
                "No Kubernetes API: pass --kube-api URL, or run in a cluster (KUBERNETES_SERVICE_HOST is not set).");
        }
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubernetesConnection
        {
            Server = new Uri($"https://{authority}:{port}/"),
            TokenFile = Path.Combine(ServiceAccountDirectory, "token"),
            CaFile = Path.Combine(ServiceAccountDirectory, "ca.crt"),
        };
    }
}
