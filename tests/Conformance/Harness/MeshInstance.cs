using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost;
using Mesh.Gateway;
using Mesh.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>How to start one mesh for a test collection.</summary>
public sealed record MeshInstanceOptions
{
    /// <summary>Pods get addresses after this base (127.1.60-99 belong to this project).</summary>
    public required string PodNetworkBase { get; init; }

    /// <summary>Service cluster IPs come after this base (127.2.60-99 belong to this project).</summary>
    public required string ServiceNetworkBase { get; init; }

    /// <summary>Manifest files or directories (relative to the Manifests folder) loaded before the mesh starts.</summary>
    public IReadOnlyList<string> BaseManifests { get; init; } = ["base"];

    public bool RequireReferenceGrants { get; init; }

    public string Name { get; init; } = "conformance";
}

/// <summary>
/// One whole mesh in the test process, as the AppHost runs it: the local Kubernetes API with the base
/// manifests loaded and their pods ready, a silo watching it, and a gateway subscribed to the silo, each
/// on a free port. Clients are pods of the base manifests.
/// </summary>
public sealed class MeshInstance : IAsyncDisposable
{
    private readonly Dictionary<string, PodClient> _clients = new(StringComparer.Ordinal);
    private LocalCluster? _cluster;
    private WebApplication? _silo;
    private WebApplication? _gateway;

    private MeshInstance()
    {
    }

    public KubeApi Api { get; private set; } = null!;
    public Uri GatewayUri { get; private set; } = null!;
    public Uri SiloUri { get; private set; } = null!;
    public DataPlane DataPlane { get; private set; } = null!;

    public static async Task<MeshInstance> StartAsync(MeshInstanceOptions options)
    {
        var mesh = new MeshInstance();
        try
        {
            await mesh.StartCoreAsync(options);
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(MeshInstanceOptions options)
    {
        _cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            PodNetworkBase = IPAddress.Parse(options.PodNetworkBase),
            ServiceNetworkBase = IPAddress.Parse(options.ServiceNetworkBase),
        });
        await _cluster.LoadResourcesAsync(options.BaseManifests.Select(RepoPaths.Manifest));
        await _cluster.WaitForPodsReadyAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Api = new KubeApi(_cluster.ApiUri);

        _silo = SiloHost.Build(
            new SiloOptions { Port = 0, KubeApi = _cluster.ApiUri.ToString(), RequireReferenceGrants = options.RequireReferenceGrants },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _silo.StartAsync();
        SiloUri = SiloHost.Address(_silo);

        _gateway = GatewayHost.Build(new GatewayOptions { Port = 0, AdminPort = 0, Silo = SiloUri.ToString(), ProxyName = options.Name },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _gateway.StartAsync();
        GatewayUri = GatewayHost.Address(_gateway);
        await GatewayHost.Ready(_gateway).WaitAsync(TimeSpan.FromSeconds(60));
        DataPlane = new DataPlane(_gateway);
    }

    /// <summary>The first pod (by name) in <paramref name="ns"/> whose labels match the selector, as upstream's ConnectToApp.</summary>
    public async Task<Pod> PodAsync(string ns, string labelSelector)
    {
        var pods = await Api.ListAsync(KubeApi.Collection("v1", "pods", ns), labelSelector);
        var pod = pods
            .Where(p => p["status"]?["podIP"] is not null)
            .OrderBy(p => KubeApi.Name(p), StringComparer.Ordinal)
            .FirstOrDefault() ?? throw new InvalidOperationException($"no running pod in {ns} matches {labelSelector}");
        return new Pod(ns, KubeApi.Name(pod), pod["status"]!["podIP"]!.GetValue<string>());
    }

    /// <summary>A client in the first pod matching the selector (one client per pod, reused).</summary>
    public async Task<PodClient> ClientAsync(string ns, string labelSelector)
    {
        var pod = await PodAsync(ns, labelSelector);
        lock (_clients)
        {
            if (!_clients.TryGetValue(pod.IP, out var client))
            {
                client = new PodClient(GatewayUri, pod);
                _clients[pod.IP] = client;
            }
            return client;
        }
    }

    /// <summary>Applies the objects of manifest files (relative to the Manifests folder) and returns them as applied.</summary>
    public async Task<IReadOnlyList<JsonObject>> ApplyFilesAsync(params string[] files)
    {
        var applied = new List<JsonObject>();
        foreach (var file in files)
        {
            foreach (var obj in YamlDocuments.ReadFile(RepoPaths.Manifest(file)))
            {
                applied.Add(await Api.ApplyAsync(obj));
            }
        }
        return applied;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
            _clients.Clear();
        }
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
        }
        Api?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
