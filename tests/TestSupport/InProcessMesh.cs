using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost;
using Mesh.AppHost.Resources;
using Mesh.Gateway;
using Mesh.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mesh.TestSupport;

/// <summary>
/// One whole mesh in the test process, as the AppHost runs it: the local Kubernetes API with its
/// resources loaded and their pods ready, a silo watching it with its own client, and a gateway
/// subscribed to the silo, each on a free port. Silo and gateway can be stopped and started again.
/// As an xunit fixture it starts in <see cref="InitializeAsync"/>; otherwise use <see cref="StartAsync"/>.
/// </summary>
public class InProcessMesh(MeshOptions options) : IAsyncLifetime
{
    private readonly Dictionary<string, PodClient> _clients = new(StringComparer.Ordinal);
    private LocalCluster? _cluster;
    private WebApplication? _silo;
    private WebApplication? _gateway;

    public MeshOptions Options { get; } = options;

    public Uri ApiUri => _cluster!.ApiUri;
    public Uri SiloUri { get; private set; } = null!;
    public Uri GatewayUri { get; private set; } = null!;
    public Uri GatewayAdminUri { get; private set; } = null!;
    public KubeApi Api { get; private set; } = null!;

    /// <summary>The running gateway's services, for tests that look at what its data plane holds.</summary>
    public IServiceProvider GatewayServices => _gateway!.Services;

    /// <summary>Where gateways of this mesh keep their snapshot (none by default).</summary>
    public string? GatewaySnapshot { get; set; }

    /// <summary>Completes when the current gateway holds its first tables.</summary>
    public Task GatewayReady => GatewayHost.Ready(_gateway!);

    public static async Task<InProcessMesh> StartAsync(MeshOptions options)
    {
        var mesh = new InProcessMesh(options);
        await mesh.InitializeAsync();
        return mesh;
    }

    public async Task InitializeAsync()
    {
        try
        {
            _cluster = await LocalCluster.StartAsync(new LocalClusterOptions
            {
                ApiEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
                PodNetworkBase = IPAddress.Parse(Options.PodNetworkBase),
                ServiceNetworkBase = IPAddress.Parse(Options.ServiceNetworkBase),
            });
            await _cluster.LoadResourcesAsync(Options.Resources);
            await _cluster.WaitForPodsReadyAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Api = new KubeApi(_cluster.ApiUri);
            await StartSiloAsync(port: 0);
            await StartGatewayAsync();
            await GatewayReady.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a silo watching the local API (port 0: a free one; else that port, e.g. a stopped silo's).</summary>
    public async Task StartSiloAsync(int port)
    {
        _silo = SiloHost.Build(new SiloOptions { Port = port, KubeApi = _cluster!.ApiUri.ToString(), RequireReferenceGrants = Options.RequireReferenceGrants },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _silo.StartAsync();
        SiloUri = SiloHost.Address(_silo);
    }

    /// <summary>Stops the silo: its port closes and subscribed gateways lose their stream.</summary>
    public async Task StopSiloAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
            _silo = null;
        }
    }

    /// <summary>Starts a gateway subscribed to the silo (the current one's port), with the snapshot file if one is set.</summary>
    public async Task StartGatewayAsync(int port = 0)
    {
        var gateway = new GatewayOptions { Port = port, AdminPort = 0, Silo = SiloUri.ToString(), ProxyName = Options.ProxyName, Snapshot = GatewaySnapshot };
        Options.ConfigureGateway?.Invoke(gateway);
        _gateway = GatewayHost.Build(gateway, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _gateway.StartAsync();
        GatewayUri = GatewayHost.Address(_gateway);
        GatewayAdminUri = GatewayHost.AdminAddress(_gateway);
    }

    public async Task StopGatewayAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            _gateway = null;
        }
    }

    /// <summary>A new client in the first pod of a Deployment; the caller disposes it.</summary>
    public async Task<PodClient> ClientInDeploymentAsync(string ns, string deployment) =>
        new(GatewayUri, await Api.DeploymentPodAsync(ns, deployment));

    /// <summary>A client in the first pod matching the selector: one per pod, shared, disposed with the mesh.</summary>
    public async Task<PodClient> ClientAsync(string ns, string labelSelector)
    {
        var pod = await Api.PodAsync(ns, labelSelector);
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

    /// <summary>Applies the objects of resource files (YAML or JSON, as the AppHost reads them) and returns them as applied.</summary>
    public async Task<IReadOnlyList<JsonObject>> ApplyFilesAsync(IEnumerable<string> paths)
    {
        var applied = new List<JsonObject>();
        foreach (var path in paths)
        {
            foreach (var document in ResourceFileReader.Read(path))
            {
                applied.Add(await Api.ApplyAsync(document.Object));
            }
        }
        return applied;
    }

    public async Task DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
            _clients.Clear();
        }
        await StopGatewayAsync();
        await StopSiloAsync();
        Api?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            _cluster = null;
        }
    }
}
