using Mesh.Gateway;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// The demo of deploy/local as a whole mesh in the test process, one per test class. Every instance takes
/// its own pod and Service networks (127.1.10+N / 127.2.10+N) so test classes can run in parallel.
/// </summary>
public sealed class DemoMesh : InProcessMesh
{
    private static int _instances;

    public DemoMesh()
        : this(NextOptions(null))
    {
    }

    private DemoMesh(MeshOptions options)
        : base(options)
    {
    }

    /// <summary>A demo mesh whose gateway runs with changed options (xunit wants one public constructor on a fixture).</summary>
    public static DemoMesh WithGateway(Action<GatewayOptions> configure) => new(NextOptions(configure));

    private static MeshOptions NextOptions(Action<GatewayOptions>? configureGateway)
    {
        var instance = Interlocked.Increment(ref _instances);
        return new MeshOptions
        {
            PodNetworkBase = $"127.1.{10 + instance}.0", // 127.1.10-59 belongs to these tests
            ServiceNetworkBase = $"127.2.{10 + instance}.0",
            Resources = [Path.Combine(AppContext.BaseDirectory, "deploy", "local")],
            ProxyName = $"test-{instance}",
            ConfigureGateway = configureGateway,
        };
    }
}
