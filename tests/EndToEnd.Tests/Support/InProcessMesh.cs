using System.Net;
using Mesh.AppHost;
using Mesh.Gateway;
using Mesh.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// The AppHost's pieces in the test process, each on a free port: the local Kubernetes API with the
/// demo workloads, a silo watching it with its own client, and a gateway subscribed to the silo.
/// Every instance takes its own pod and Service address ranges so test classes can run in parallel.
/// </summary>
public sealed class InProcessMesh : IAsyncLifetime
{
    private static int _instances;
    private int _instance;

    private LocalCluster? _cluster;
    private WebApplication? _silo;
    private WebApplication? _gateway;

    public Uri ApiUri => _cluster!.ApiUri;
    public Uri SiloUri { get; private set; } = null!;
    public Uri GatewayUri { get; private set; } = null!;
    public Uri GatewayAdminUri { get; private set; } = null!;
    public KubeApi Api { get; private set; } = null!;

    /// <summary>Extra silo flags a test class needs.</summary>
    public bool RequireReferenceGrants { get; init; }

    public async Task InitializeAsync()
    {
        var instance = _instance = Interlocked.Increment(ref _instances);
        _cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            PodNetworkBase = IPAddress.Parse($"127.1.{10 + instance}.0"), // 127.1.10-99 belongs to these tests
            ServiceNetworkBase = IPAddress.Parse($"127.2.{10 + instance}.0"),
        });
        await _cluster.LoadResourcesAsync([Path.Combine(AppContext.BaseDirectory, "deploy", "local")]);
        await _cluster.WaitForPodsReadyAsync();
        Api = new KubeApi(_cluster.ApiUri);

        await StartSiloAsync(port: 0);

        await StartGatewayAsync();
        await GatewayHost.Ready(_gateway!).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a silo watching the local API (port 0: a free one; else that port, e.g. a stopped silo's).</summary>
    public async Task StartSiloAsync(int port)
    {
        _silo = SiloHost.Build(new SiloOptions { Port = port, KubeApi = _cluster!.ApiUri.ToString(), RequireReferenceGrants = RequireReferenceGrants },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _silo.StartAsync();
        SiloUri = SiloHost.Address(_silo);
    }

    /// <summary>Starts a gateway subscribed to the silo (the current one's port), with the snapshot file if one is set.</summary>
    public async Task StartGatewayAsync(int port = 0)
    {
        var options = new GatewayOptions { Port = port, AdminPort = 0, Silo = SiloUri.ToString(), ProxyName = $"test-{_instance}", Snapshot = GatewaySnapshot };
        ConfigureGateway?.Invoke(options);
        _gateway = GatewayHost.Build(options, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _gateway.StartAsync();
        GatewayUri = GatewayHost.Address(_gateway);
        GatewayAdminUri = GatewayHost.AdminAddress(_gateway);
    }

    public Task GatewayReady => GatewayHost.Ready(_gateway!);

    public async Task StopGatewayAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            _gateway = null;
        }
    }

    /// <summary>Changes to the gateway's options a test class needs.</summary>
    public Action<GatewayOptions>? ConfigureGateway { get; init; }

    /// <summary>Where gateways of this mesh keep their snapshot (none by default).</summary>
    public string? GatewaySnapshot { get; set; }

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

    public PodClient ClientIn(string podIP) => new(GatewayUri, podIP);

    public async Task<PodClient> ClientInDeploymentAsync(string ns, string deployment) =>
        ClientIn(await Api.PodIPAsync(ns, deployment));

    public async Task DisposeAsync()
    {
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
