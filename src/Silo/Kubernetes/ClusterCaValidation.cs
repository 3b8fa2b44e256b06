using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Validates the API server's certificate against the configured CA bundle alone (in-cluster ca.crt,
/// kubeconfig certificate-authority or -data), as client-go does: the machine's roots are not trusted
/// for the cluster, and the host name must still match.
/// </summary>
public static class ClusterCaValidation
{
    public static RemoteCertificateValidationCallback Trusting(string caPem)
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPem(caPem);
        if (trust.Count == 0)
        {
            throw new InvalidDataException("The Kubernetes CA bundle holds no certificate.");
        }
        return (_, certificate, presentedChain, errors) =>
        {
            // Only chain errors are ours to judge; a name mismatch or no certificate stays fatal.
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trust);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presentedChain is not null)
            {
                foreach (var element in presentedChain.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate); // intermediates the server sent
                }
            }
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }
}
