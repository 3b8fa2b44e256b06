using System.Globalization;
using System.Net;
using Mesh.Gateway;

namespace Mesh.AppHost.Orchestration;

/// <summary>
/// Runs the whole mesh locally: the local Kubernetes API with its workloads, one silo process and one
/// gateway process wired to it the real way, in that order, each waited for before the next.
/// </summary>
public sealed class LocalMesh : IAsyncDisposable
{
    public const string ReadyLine = "mesh ready";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    private readonly List<ChildProcess> _children = [];
    private LocalCluster? _cluster;

    public Uri? ApiUri { get; private set; }
    public Uri? SiloUri { get; private set; }
    public Uri? GatewayUri { get; private set; }

    /// <summary>Starts everything; returns once the gateway holds its first tables.</summary>
    public async Task StartAsync(AppHostOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StartDeadline);
        var token = deadline.Token;

        _cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, FreePort.OrFree(options.ApiPort)),
            PodNetworkBase = IPAddress.Parse(options.PodNetwork),
            ServiceNetworkBase = IPAddress.Parse(options.ServiceNetwork),
        }, token).ConfigureAwait(false);
        ApiUri = _cluster.ApiUri;
        Console.Out.WriteLine($"local Kubernetes API on {ApiUri}");

        var resources = options.Resources.Count > 0 ? options.Resources : [DemoResources()];
        await _cluster.LoadResourcesAsync(resources, token).ConfigureAwait(false);
        await _cluster.WaitForPodsReadyAsync(token).ConfigureAwait(false);

        var siloPort = FreePort.OrFree(options.SiloPort);
        SiloUri = new Uri($"http://127.0.0.1:{siloPort}/");
        List<string> siloArgs = ["--port", Invariant(siloPort), "--kube-api", ApiUri.ToString()];
        if (options.RequireReferenceGrants)
        {
            siloArgs.Add("--require-reference-grants");
        }
        var silo = Launch("silo", siloArgs, readyLine: null);
        await WaitForReadyzAsync(SiloUri, silo, token).ConfigureAwait(false);

        var gatewayPort = FreePort.OrFree(options.GatewayPort);
        GatewayUri = new Uri($"http://127.0.0.1:{gatewayPort}/");
        var adminPort = FreePort.OrFree(options.GatewayAdminPort);
        string[] accessLog = options.GatewayAccessLog switch
        {
            null => [],
            "stdout" or "-" => ["--access-log", "stdout"],
            var file => ["--access-log", Path.GetFullPath(file)],
        };
        string[] leanClient = options.GatewayLeanHttp1Upstream ? [] : ["--lean-http1-upstream", "false"];
        string[] leanFront = options.GatewayLeanFront ? [] : ["--lean-front", "false"];
        string[] leanHttp2 = options.GatewayLeanHttp2 ? [] : ["--lean-http2", "false"];
        string[] eventLoops = options.GatewayEventLoops is { } loops ? ["--event-loops", Invariant(loops)] : [];
        var gateway = Launch("gateway",
            ["--port", Invariant(gatewayPort), "--admin-port", Invariant(adminPort), "--silo", SiloUri.ToString(), .. accessLog, .. leanClient, .. leanFront, .. leanHttp2, .. eventLoops], GatewayProgram.ReadyLine);
        await gateway.ReadyLineSeen.WaitAsync(token).ConfigureAwait(false);
        Console.Out.WriteLine($"silo on {SiloUri}, gateway on {GatewayUri} (admin http://127.0.0.1:{adminPort}/metrics)");
    }

    /// <summary>Completes when a child process dies on its own.</summary>
    public Task ChildExited => Task.WhenAny(_children.Select(c => c.Exited));

    private ChildProcess Launch(string role, IEnumerable<string> args, string? readyLine)
    {
        var child = ChildProcess.Start(role, args, readyLine);
        _children.Add(child);
        return child;
    }

    private static async Task WaitForReadyzAsync(Uri silo, ChildProcess process, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException("The silo process exited during start-up.");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(silo, "readyz"), ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // One slow probe; try again.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The demo shipped beside the executable (deploy/local, copied at build).</summary>
    private static string DemoResources() => Path.Combine(AppContext.BaseDirectory, "deploy", "local");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var child in Enumerable.Reverse(_children))
        {
            await child.DisposeAsync().ConfigureAwait(false);
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}
