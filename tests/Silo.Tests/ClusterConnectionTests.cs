using System.Collections.Concurrent;
using System.Text;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Tests;

/// <summary>
/// The connection as configured in a cluster and from a kubeconfig, against a TLS API server whose
/// certificate a test CA signs: the CA bundle decides trust, and the token file is read per request.
/// </summary>
public sealed class ClusterConnectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-serviceaccount-").FullName;
    private readonly TestCertificateAuthority _clusterCa = new("cluster-ca");
    private readonly ConcurrentQueue<string> _authorizations = new();

    public void Dispose()
    {
        _clusterCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<FakeApiServer> StartTlsServerAsync() =>
        FakeApiServer.StartAsync((_, context) =>
        {
            _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            return context.Response.WriteAsync("""{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"1"}}""");
        }, _clusterCa.IssueServerCertificate());

    private static Task<System.Text.Json.Nodes.JsonObject> GetAsync(KubernetesConnection connection) =>
        new KubernetesClient(KubernetesHttp.CreateClient(connection), connection).GetAsync(ResourceKind.Services, "ns", "a", CancellationToken.None);

    [Fact]
    public async Task In_cluster_the_CA_bundle_is_trusted_and_a_rotated_token_is_sent_on_the_next_request()
    {
        await using var server = await StartTlsServerAsync();
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), _clusterCa.Pem);
        File.WriteAllText(Path.Combine(_directory, "token"), "token-1\n");
        var connection = KubernetesConnection.InCluster("127.0.0.1", server.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _directory);

        await GetAsync(connection);
        File.WriteAllText(Path.Combine(_directory, "token"), "token-2\n"); // kubelet rotates the projected token
        await GetAsync(connection);

        Assert.Equal(["Bearer token-1", "Bearer token-2"], _authorizations);
    }

    [Fact]
    public async Task In_cluster_a_rotated_CA_bundle_is_trusted_from_the_next_connection()
    {
        using var rotatedCa = new TestCertificateAuthority("rotated-ca");
        await using var oldServer = await StartTlsServerAsync();
        await using var newServer = await FakeApiServer.StartAsync((_, context) =>
            context.Response.WriteAsync("""{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"1"}}"""),
            rotatedCa.IssueServerCertificate());
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), _clusterCa.Pem);
        var toOld = KubernetesConnection.InCluster("127.0.0.1", oldServer.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _directory);
        var toNew = KubernetesConnection.InCluster("127.0.0.1", newServer.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _directory);
        using var client = KubernetesHttp.CreateClient(toNew); // Created before the rotation, as the silo's is.

        await GetAsync(toOld);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri(toNew.Server, "api/v1/namespaces/ns/services/a")));
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), rotatedCa.Pem); // the cluster's CA rotates
        Assert.Contains("\"name\":\"a\"", await client.GetStringAsync(new Uri(toNew.Server, "api/v1/namespaces/ns/services/a")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_signed_by_another_CA_is_refused()
    {
        await using var server = await StartTlsServerAsync();
        using var otherCa = new TestCertificateAuthority("other-ca");
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), otherCa.Pem);
        var connection = KubernetesConnection.InCluster("127.0.0.1", server.Uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _directory);

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(connection));
        Assert.Empty(_authorizations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_kubeconfig_CA_file_or_inline_data_is_trusted(bool inline)
    {
        await using var server = await StartTlsServerAsync();
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), _clusterCa.Pem);
        var authority = inline
            ? $"certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(_clusterCa.Pem))}"
            : "certificate-authority: ca.crt";
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, $$$"""
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "{{{server.Uri}}}", {{{authority}}}}}]
            users: [{name: u, user: {token: kubeconfig-token}}]
            """);

        await GetAsync(KubeConfig.Load(path));

        Assert.Equal(["Bearer kubeconfig-token"], _authorizations);
    }

    [Fact]
    public async Task Without_the_CA_the_server_is_not_trusted()
    {
        await using var server = await StartTlsServerAsync();
        var connection = new KubernetesConnection { Server = server.Uri };

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(connection));
    }
}
