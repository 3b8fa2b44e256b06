using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Mesh.AppHost.Echo;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// The local kubelet. Every pod gets its own loopback address from the pod network; containers whose image
/// is the Gateway API conformance echo (<c>echo-basic</c>, <c>echo-advanced</c>) or <c>mesh/echo</c> run the
/// built-in echo on each TCP container port, bound to that address. The pod is reported Running, and Ready
/// once its servers listen. A deleted pod's servers stop and its address returns to the pool.
/// </summary>
internal sealed class PodRuntime(ObjectStore store, AddressPool addresses) : Reconciler(store, ResourceCatalog.Pod)
{
    private static readonly string[] EchoImages = ["echo-basic", "echo-advanced", "mesh/echo"];

    private readonly Dictionary<string, RunningPod> _running = [];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        foreach (var pod in _running.Values)
        {
            await pod.DisposeAsync().ConfigureAwait(false);
        }
        _running.Clear();
    }

    protected override async Task ReconcileAsync(CancellationToken ct)
    {
        var pods = Store.List(ResourceCatalog.Pod).Items;
        var live = pods.Select(p => p.Uid).ToHashSet();
        var gone = _running.Where(r => !live.Contains(r.Key)).ToList();
        foreach (var (uid, _) in gone)
        {
            _running.Remove(uid);
        }
        await Task.WhenAll(gone.Select(g => g.Value.DisposeAsync().AsTask())).ConfigureAwait(false);
        // Only now, with nothing bound to them any more, may the addresses go to new pods.
        foreach (var (_, pod) in gone)
        {
            addresses.Release(pod.Address);
        }

        var starting = new List<Task<(string Uid, RunningPod Pod)>>();
        foreach (var pod in pods.Where(p => !_running.ContainsKey(p.Uid)))
        {
            // With the pod network exhausted the rest stay Pending, like pods no node can take.
            if (addresses.Allocate() is not { } address)
            {
                break;
            }
            starting.Add(StartAsync(pod.Uid, pod.ToJsonObject(), address));
        }
        foreach (var (uid, started) in await Task.WhenAll(starting).ConfigureAwait(false))
        {
            _running[uid] = started;
        }

        foreach (var stored in pods)
        {
            ct.ThrowIfCancellationRequested();
            if (!_running.TryGetValue(stored.Uid, out var running))
            {
                continue;
            }
            var pod = stored.ToJsonObject();
            var desired = running.Status;
            if (!JsonNode.DeepEquals(pod["status"], desired))
            {
                pod["status"] = desired.DeepClone();
                Store.Replace(ResourceCatalog.Pod, pod, statusOnly: true);
            }
        }
    }

    // Not cancellable: a server that started must end up in _running, or nothing would ever stop it.
    private static async Task<(string, RunningPod)> StartAsync(string uid, JsonObject pod, IPAddress address)
    {
        var startedAt = Timestamps.Now();
        var ports = EchoPorts(pod);
        if (ports.Count == 0)
        {
            return (uid, new RunningPod(address, null, PodStatuses.Running(pod, address, startedAt)));
        }
        try
        {
            var server = await EchoServer.StartAsync(address, ports, ObjectMeta.Namespace(pod), ObjectMeta.Name(pod), CancellationToken.None).ConfigureAwait(false);
            return (uid, new RunningPod(address, server, PodStatuses.Running(pod, address, startedAt)));
        }
        catch (Exception bindFailure) when (bindFailure is IOException or SocketException)
        {
            var failure = $"echo server could not listen on {address} ports {string.Join(",", ports)}: {bindFailure.Message}";
            return (uid, new RunningPod(address, null, PodStatuses.Failed(pod, address, startedAt, failure)));
        }
    }

    /// <summary>The TCP container ports of the pod's echo containers.</summary>
    private static SortedSet<int> EchoPorts(JsonObject pod)
    {
        var ports = new SortedSet<int>();
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var image = ObjectMeta.String(container["image"]) ?? "";
            if (!EchoImages.Any(echo => image.Contains(echo, StringComparison.Ordinal)))
            {
                continue;
            }
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (ObjectMeta.Integer(port["containerPort"]) is { } number and > 0 and < 65536 &&
                    (ObjectMeta.String(port["protocol"]) ?? "TCP") == "TCP")
                {
                    ports.Add((int)number);
                }
            }
        }
        return ports;
    }
}
