using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Silo.Kubernetes;

namespace Mesh.Silo.Tests;

public sealed class KubeConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string SelfSignedPem(out string keyPem)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public void Reads_the_current_context_with_inline_CA_and_token()
    {
        var ca = SelfSignedPem(out _);
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            current-context: prod
            contexts:
              - name: dev
                context: {cluster: dev-cluster, user: dev-user}
              - name: prod
                context: {cluster: prod-cluster, user: prod-user}
            clusters:
              - name: dev-cluster
                cluster: {server: "https://dev.example:6443"}
              - name: prod-cluster
                cluster:
                  server: https://prod.example:6443
                  certificate-authority-data: {{Convert.ToBase64String(Encoding.UTF8.GetBytes(ca))}}
            users:
              - name: dev-user
                user: {token: dev-token}
              - name: prod-user
                user: {token: prod-token}
            """);

        var connection = KubeConfig.Load(path);

        Assert.Equal(new Uri("https://prod.example:6443/"), connection.Server);
        Assert.Equal("prod-token", connection.ReadToken());
        Assert.Equal(ca, connection.CaPem);
        Assert.Null(connection.ClientCertificate);
    }

    [Fact]
    public void Reads_client_certificates_and_token_files_relative_to_the_kubeconfig()
    {
        var certificate = SelfSignedPem(out var key);
        File.WriteAllText(Path.Combine(_directory, "client.crt"), certificate);
        File.WriteAllText(Path.Combine(_directory, "client.key"), key);
        File.WriteAllText(Path.Combine(_directory, "token"), "rotated-token\n");
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://k.example", insecure-skip-tls-verify: true}}]
            users: [{name: u, user: {client-certificate: client.crt, client-key: client.key, tokenFile: token}}]
            """);

        var connection = KubeConfig.Load(path);

        Assert.True(connection.InsecureSkipTlsVerify);
        Assert.Equal("CN=test", connection.ClientCertificate!.Subject);
        Assert.True(connection.ClientCertificate.HasPrivateKey);
        Assert.Equal("rotated-token", connection.ReadToken());
    }

    [Fact]
    public void An_explicit_server_wins_and_a_broken_kubeconfig_says_what_is_wrong()
    {
        Assert.Equal(new Uri("http://127.0.0.1:15010/"), KubernetesConnection.Resolve("http://127.0.0.1:15010").Server);

        var path = Path.Combine(_directory, "broken");
        File.WriteAllText(path, "current-context: missing\ncontexts: []\n");
        var error = Assert.Throws<InvalidDataException>(() => KubeConfig.Load(path));
        Assert.Contains("context 'missing' not found", error.Message);
    }
}
