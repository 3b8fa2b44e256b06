using System.Security.Cryptography.X509Certificates;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate: an explicit server (the AppHost's local API), a
/// kubeconfig file, or the in-cluster service account, whose token is re-read on every request
/// because kubelet rotates it.
/// </summary>
public sealed class KubernetesConnection
{
    private const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required Uri Server { get; init; }

    /// <summary>A token file re-read on each request (in-cluster, or kubeconfig tokenFile).</summary>
    public string? TokenFile { get; init; }

    /// <summary>A fixed bearer token (kubeconfig token).</summary>
    public string? Token { get; init; }

    /// <summary>PEM of the CA that signs the API server's certificate.</summary>
    public string? CaPem { get; init; }

    /// <summary>A CA bundle file read again at each TLS handshake (in-cluster ca.crt, replaced when the cluster CA rotates).</summary>
    public string? CaFile { get; init; }

    /// <summary>A client certificate with its key (kubeconfig client-certificate/client-key).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    public string? ReadToken() =>
        Token ?? (TokenFile is not null && File.Exists(TokenFile) ? File.ReadAllText(TokenFile).Trim() : null);

    /// <summary>The explicit server when one is given, else a kubeconfig (flag or KUBECONFIG), else the in-cluster configuration.</summary>
    public static KubernetesConnection Resolve(string? server, string? kubeconfig = null)
    {
        if (!string.IsNullOrEmpty(server))
        {
            return new KubernetesConnection { Server = new Uri(server.EndsWith('/') ? server : server + "/") };
        }
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        kubeconfig ??= Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(':').FirstOrDefault(File.Exists);
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            return KubeConfig.Load(kubeconfig);
        }
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            if (File.Exists(home))
            {
                return KubeConfig.Load(home);
            }
            throw new InvalidOperationException(
                "No Kubernetes API: pass --kube-api URL or --kubeconfig FILE, or run in a cluster (KUBERNETES_SERVICE_HOST is not set).");
        }
        return InCluster(host, port, ServiceAccountDirectory);
    }

    /// <summary>The in-cluster service account: its token file (re-read per request) and its CA bundle (re-read per handshake).</summary>
    public static KubernetesConnection InCluster(string host, string port, string serviceAccountDirectory)
    {
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var caFile = Path.Combine(serviceAccountDirectory, "ca.crt");
        return new KubernetesConnection
        {
            Server = new Uri($"https://{authority}:{port}/"),
            TokenFile = Path.Combine(serviceAccountDirectory, "token"),
            CaFile = caFile,
        };
    }
}
