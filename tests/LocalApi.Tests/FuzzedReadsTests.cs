using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.LocalApi.Tests.Support;
using Mesh.TestSupport.Fuzz;
using Xunit.Abstractions;

namespace Mesh.LocalApi.Tests;

/// <summary>
/// Reads broken at random, from a fixed seed: paths and query strings (label and field selectors, watch,
/// resourceVersion, table output) mutated and sent as raw HTTP to the local API. Each is answered in time
/// with a status below 500. MESH_FUZZ_CASES and MESH_FUZZ_SEED run more.
/// </summary>
public sealed class FuzzedReadsTests(TestCluster cluster, ITestOutputHelper output) : IClassFixture<TestCluster>
{
    private static readonly string[] Paths =
    [
        "/api", "/apis", "/version", "/api/v1", "/apis/gateway.networking.k8s.io/v1", "/api/v1/namespaces", "/api/v1/namespaces/default",
        "/api/v1/services", "/api/v1/namespaces/default/services", "/api/v1/namespaces/default/services/svc", "/api/v1/namespaces/default/pods",
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", "/apis/apps/v1/namespaces/default/deployments",
        "/apis/gateway.networking.k8s.io/v1/httproutes", "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r",
        "/apis/gateway.networking.k8s.io/v1/namespaces/default/grpcroutes", "/apis/gateway.networking.k8s.io/v1beta1/referencegrants",
        "/apis/coordination.k8s.io/v1/namespaces/default/leases",
    ];

    private static readonly string[] Queries =
    [
        "labelSelector=app%3Dweb", "labelSelector=app+in+(a,b),!canary", "labelSelector=tier!%3Dfront,env", "labelSelector=x/y%3Dz",
        "fieldSelector=metadata.name%3Dsvc", "fieldSelector=metadata.namespace!%3Ddefault", "resourceVersion=0", "resourceVersion=12",
        "watch=1&timeoutSeconds=1", "watch=true&timeoutSeconds=1&allowWatchBookmarks=true", "watch=1&sendInitialEvents=true&timeoutSeconds=1",
        "includeObject=Object", "limit=5", "pretty=true",
    ];

    private static readonly string[] Tokens =
    [
        "/", "//", "..", "%", "%2F", "%00", "%ZZ", "?", "#", "&", "=", ",", "(", ")", "!", "in", "notin", " ", "+", ";", ":", "\u00e9",
        "labelSelector=", "fieldSelector=", "watch=1", "resourceVersion=", "resourceVersion=-1", "resourceVersion=99999999999999999999",
        "timeoutSeconds=0", "namespaces", "default", new string('a', 300),
    ];

    [Fact]
    public async Task Broken_reads_are_answered_in_time_and_never_with_a_server_error()
    {
        var run = new FuzzTally<int>(300);
        var random = run.Random;
        foreach (var i in run.CaseNumbers())
        {
            var target = $"{Paths[random.Next(Paths.Length)]}?{Queries[random.Next(Queries.Length)]}";
            var mutated = ByteMutations.Apply(target, Tokens, random);
            var method = random.Next(8) == 0 ? "HEAD" : "GET";
            var status = await StatusAsync(method, mutated);
            run.Saw(status);
            if (status is 0 or >= 500)
            {
                run.Failed(i, $"{method} answered {(status == 0 ? "nothing in time" : status)} for {FuzzRun.Quote(mutated)}");
            }
        }
        run.Report(output);
    }

    /// <summary>The status of the answer to the raw request line, or 0 when none came within five seconds.</summary>
    private async Task<int> StatusAsync(string method, byte[] target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var api = cluster.Api.Http.BaseAddress!;
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, api.Port), deadline.Token);
        byte[] request = [.. Encoding.ASCII.GetBytes($"{method} "), .. target, .. Encoding.ASCII.GetBytes(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")];
        await socket.SendAsync(request, SocketFlags.None, deadline.Token);
        var buffer = new byte[64];
        var received = 0;
        try
        {
            while (received < 12)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, deadline.Token);
                if (n == 0)
                {
                    return 0;
                }
                received += n;
            }
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        return int.Parse(Encoding.ASCII.GetString(buffer, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
