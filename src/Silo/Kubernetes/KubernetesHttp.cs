namespace Mesh.Silo.Kubernetes;

/// <summary>The HttpClient for the API server: trusts the cluster CA when one is configured, no client-side timeout for watches.</summary>
public static class KubernetesHttp
{
    public static HttpClient CreateClient(KubernetesConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (connection.ClientCertificate is { } clientCertificate)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        if (connection.InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // Only when the kubeconfig itself says insecure-skip-tls-verify.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (connection.CaFile is { } caFile)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = ClusterCaValidation.Trusting(() => File.Exists(caFile) ? File.ReadAllText(caFile) : null);
        }
        else if (connection.CaPem is { } caPem)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = ClusterCaValidation.Trusting(caPem);
        }
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
