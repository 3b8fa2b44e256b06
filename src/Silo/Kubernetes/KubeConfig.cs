using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Reads the current context of a kubeconfig file, for running a silo outside the cluster: server,
/// CA (file or data), and a token, token file, or client certificate (files or data).
/// </summary>
public static class KubeConfig
{
    public static KubernetesConnection Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var currentContext = Scalar(root, "current-context") ?? throw Invalid(path, "no current-context");
        var context = Named(root, "contexts", currentContext, "context") ?? throw Invalid(path, $"context '{currentContext}' not found");
        var clusterName = Scalar(context, "cluster") ?? throw Invalid(path, "the context names no cluster");
        var cluster = Named(root, "clusters", clusterName, "cluster") ?? throw Invalid(path, $"cluster '{clusterName}' not found");
        var user = Scalar(context, "user") is { } userName ? Named(root, "users", userName, "user") : null;

        var server = Scalar(cluster, "server") ?? throw Invalid(path, "the cluster has no server");
        X509Certificate2? clientCertificate = null;
        if (Pem(user, "client-certificate", baseDirectory) is { } certPem && Pem(user, "client-key", baseDirectory) is { } keyPem)
        {
            clientCertificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        return new KubernetesConnection
        {
            Server = new Uri(server.EndsWith('/') ? server : server + "/"),
            CaPem = Pem(cluster, "certificate-authority", baseDirectory),
            InsecureSkipTlsVerify = Scalar(cluster, "insecure-skip-tls-verify") == "true",
            Token = user is null ? null : Scalar(user, "token"),
            TokenFile = user is null || Scalar(user, "tokenFile") is not { } tokenFile ? null : Path.Combine(baseDirectory, tokenFile),
            ClientCertificate = clientCertificate,
        };
    }

    /// <summary>"name" from a file path field, or "name-data" holding base64 PEM.</summary>
    private static string? Pem(YamlMappingNode? node, string field, string baseDirectory)
    {
        if (node is null)
        {
            return null;
        }
        if (Scalar(node, field + "-data") is { } data)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        return Scalar(node, field) is { } file ? File.ReadAllText(Path.Combine(baseDirectory, file)) : null;
    }

    private static YamlMappingNode? Named(YamlMappingNode root, string list, string name, string inner) =>
        (root.Children.TryGetValue(new YamlScalarNode(list), out var items) ? items as YamlSequenceNode : null)?
            .OfType<YamlMappingNode>()
            .Where(entry => Scalar(entry, "name") == name)
            .Select(entry => entry.Children.TryGetValue(new YamlScalarNode(inner), out var value) ? value as YamlMappingNode : null)
            .FirstOrDefault();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static InvalidDataException Invalid(string path, string why) => new($"kubeconfig {path}: {why}.");
}
