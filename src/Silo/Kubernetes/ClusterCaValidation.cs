using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Validates the API server's certificate against the configured CA bundle alone (in-cluster ca.crt,
/// kubeconfig certificate-authority or -data), as client-go does: the machine's roots are not trusted
/// for the cluster, and the host name must still match.
/// </summary>
public static class ClusterCaValidation
{
    /// <summary>Trusts a fixed bundle (kubeconfig certificate-authority-data).</summary>
    public static RemoteCertificateValidationCallback Trusting(string caPem)
    {
        var trust = Parse(caPem) ?? throw new InvalidDataException("The Kubernetes CA bundle holds no certificate.");
        return (_, certificate, presentedChain, errors) => Validate(trust, certificate, presentedChain, errors);
    }

    /// <summary>
    /// Trusts the bundle as it is at each TLS handshake (the in-cluster ca.crt, which is replaced when the
    /// cluster's CA rotates); parsed again only when its text changed. An unreadable bundle trusts nothing.
    /// </summary>
    public static RemoteCertificateValidationCallback Trusting(Func<string?> readPem)
    {
        ArgumentNullException.ThrowIfNull(readPem);
        var gate = new Lock();
        string? lastPem = null;
        X509Certificate2Collection? trust = null;
        return (_, certificate, presentedChain, errors) =>
        {
            var pem = readPem();
            X509Certificate2Collection? current;
            lock (gate)
            {
                if (pem != lastPem)
                {
                    trust = pem is null ? null : Parse(pem);
                    lastPem = pem;
                }
                current = trust;
            }
            return current is not null && Validate(current, certificate, presentedChain, errors);
        };
    }

    private static X509Certificate2Collection? Parse(string pem)
    {
        var trust = new X509Certificate2Collection();
        try
        {
            trust.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null; // Half written, or not PEM.
        }
        return trust.Count == 0 ? null : trust;
    }

    private static bool Validate(X509Certificate2Collection trust, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
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
    }
}
