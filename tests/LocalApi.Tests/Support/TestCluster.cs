using System.Net;
using Mesh.AppHost;

namespace Mesh.LocalApi.Tests.Support;

/// <summary>
/// A local cluster for one test class (or test): the API on a free port, and pod and service networks of
/// their own (127.1.N.0 / 127.2.N.0, N in 100..250) so clusters of tests running in parallel never share an
/// address. N starts at a random point so that another test process is unlikely to pick the same ones.
/// </summary>
public sealed class TestCluster : IAsyncLifetime
{
    private const int FirstNetwork = 100;
    private const int Networks = 151;
    private static int _nextNetwork = Random.Shared.Next(Networks);

    private readonly Action<LocalClusterOptions>? _configure;

    public TestCluster()
        : this(null)
    {
    }

    private TestCluster(Action<LocalClusterOptions>? configure) => _configure = configure;

    public LocalCluster Cluster { get; private set; } = null!;

    public ApiClient Api { get; private set; } = null!;

    public int Network { get; private set; }

    public static async Task<TestCluster> StartAsync(Action<LocalClusterOptions>? configure = null)
    {
        var cluster = new TestCluster(configure);
        await cluster.InitializeAsync();
        return cluster;
    }

    public async Task InitializeAsync()
    {
        Network = FirstNetwork + (Interlocked.Increment(ref _nextNetwork) % Networks);
        var options = new LocalClusterOptions
        {
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            PodNetworkBase = IPAddress.Parse($"127.1.{Network}.0"),
            ServiceNetworkBase = IPAddress.Parse($"127.2.{Network}.0"),
        };
        _configure?.Invoke(options);
        Cluster = await LocalCluster.StartAsync(options);
        Api = new ApiClient(Cluster.ApiUri);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Cluster.DisposeAsync();
    }

    /// <summary>A fresh namespace, so tests sharing a cluster never see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync()
    {
        var name = $"t{Guid.NewGuid():N}"[..12];
        await Api.CreateAsync("/api/v1/namespaces", Manifests.Namespace(name));
        return name;
    }
}
