using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Admission;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Http;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Store;
using Mesh.AppHost.Resources;
using Mesh.AppHost.Workloads;

namespace Mesh.AppHost;

public sealed class LocalClusterOptions
{
    /// <summary>Where the Kubernetes API listens (plain HTTP); port 0 picks a free port.</summary>
    public IPEndPoint ApiEndpoint { get; set; } = new(IPAddress.Loopback, 15010);

    /// <summary>Pods get base+1, base+2, ... up to the end of the base's /16.</summary>
    public IPAddress PodNetworkBase { get; set; } = IPAddress.Parse("127.1.0.0");

    /// <summary>Service cluster IPs come from base+1, base+2, ... up to the end of the base's /16.</summary>
    public IPAddress ServiceNetworkBase { get; set; } = IPAddress.Parse("127.2.0.0");

    /// <summary>Events kept for watches that resume from a resourceVersion; older ones get 410 Expired.</summary>
    public int WatchHistoryLimit { get; set; } = 10_000;

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK.</summary>
    public TimeSpan WatchBookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// A Kubernetes cluster in this process: the API server on <see cref="ApiUri"/>, and controllers that
/// run Deployments as pods on loopback addresses (with the built-in echo), give Services cluster IPs
/// and keep EndpointSlices up to date.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly ObjectStore _store;
    private readonly ApiServer _api;
    private readonly IReadOnlyList<Reconciler> _controllers;
    private bool _disposed;

    private LocalCluster(ObjectStore store, ApiServer api, IReadOnlyList<Reconciler> controllers)
    {
        _store = store;
        _api = api;
        _controllers = controllers;
    }

    /// <summary>The API's base address, e.g. http://127.0.0.1:15010/.</summary>
    public Uri ApiUri => _api.Uri;

    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var servicePool = new AddressPool(options.ServiceNetworkBase);
        var podPool = new AddressPool(options.PodNetworkBase);
        IAdmissionPlugin[] admission = [new NamespaceDefaults(), new PodDefaults(), new ServiceDefaults(), new ServiceClusterIps(servicePool), new GatewayApiAdmission()];
        var store = new ObjectStore(options.WatchHistoryLimit, admission);
        foreach (var name in InitialNamespaces)
        {
            store.Create(ResourceCatalog.Namespace, NamespaceObject(name));
        }
        ApiServer api;
        try
        {
            api = await ApiServer.StartAsync(store, options.ApiEndpoint, options.WatchBookmarkInterval, ct).ConfigureAwait(false);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        Reconciler[] controllers =
        [
            new PodRuntime(store, podPool),
            new DeploymentController(store),
            new EndpointSliceController(store),
            new GarbageCollector(store),
        ];
        foreach (var controller in controllers)
        {
            controller.Start();
        }
        return new LocalCluster(store, api, controllers);
    }

    /// <summary>
    /// Loads every *.yaml/*.yml/*.json file under each path (recursively, sorted; a file path loads that
    /// file), each possibly holding several documents. All files are read before anything is created, so a
    /// bad file changes nothing. Objects are applied Namespaces first, then Services and Deployments, then
    /// the rest; namespaced objects without a namespace go to "default"; missing namespaces are created.
    /// </summary>
    /// <exception cref="InvalidDataException">A file does not parse or an object is refused; the message names the file.</exception>
    public Task LoadResourcesAsync(IEnumerable<string> fileOrDirectoryPaths, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectoryPaths);
        var documents = ResourceFiles.Expand(fileOrDirectoryPaths).SelectMany(ResourceFileReader.Read)
            .Select(d => (Document: d, Kind: ResourceCatalog.ByKind(ObjectMeta.String(d.Object["apiVersion"])!, ObjectMeta.String(d.Object["kind"])!)))
            .ToList();
        if (documents.FirstOrDefault(d => d.Kind is null) is { Document: { } unknown })
        {
            throw new InvalidDataException($"{unknown.Source}: {NoSuchKind(unknown.Object)}");
        }
        foreach (var (document, kind) in documents.OrderBy(d => LoadOrder.Rank(d.Kind!)))
        {
            ct.ThrowIfCancellationRequested();
            var obj = document.Object.DeepClone().AsObject();
            try
            {
                if (kind!.Namespaced)
                {
                    var ns = DefaultNamespace(obj);
                    if (_store.Get(ResourceCatalog.Namespace, "", ns) is null)
                    {
                        _store.Apply(ResourceCatalog.Namespace, NamespaceObject(ns));
                    }
                }
                _store.Apply(kind, obj);
            }
            catch (LocalApiException refused)
            {
                throw new InvalidDataException($"{document.Source}: {kind!.Kind} \"{ObjectMeta.Name(obj)}\": {refused.Message}", refused);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Creates the object, or replaces the one with the same apiVersion/kind/namespace/name
    /// (its status is kept for kinds with a status subresource). A namespaced object without a namespace
    /// goes to "default". Returns the object as stored.</summary>
    /// <exception cref="LocalApiException">The API refuses the object (unknown kind, invalid, namespace missing).</exception>
    public Task<JsonObject> ApplyAsync(JsonObject obj, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = obj.DeepClone().AsObject();
        var kind = ResourceCatalog.ByKind(ObjectMeta.String(copy["apiVersion"]) ?? "", ObjectMeta.String(copy["kind"]) ?? "")
                   ?? throw new LocalApiException(400, "BadRequest", NoSuchKind(copy));
        if (kind.Namespaced)
        {
            DefaultNamespace(copy);
        }
        return Task.FromResult(_store.Apply(kind, copy).ToJsonObject());
    }

    /// <exception cref="LocalApiException">404 NotFound when there is no such object, or the kind is unknown.</exception>
    public Task DeleteAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        var resource = ResourceCatalog.ByKind(apiVersion, kind)
                       ?? throw new LocalApiException(404, "NotFound", $"no matches for kind \"{kind}\" in version \"{apiVersion}\"");
        _store.Delete(resource, resource.Namespaced ? ns ?? "default" : "", name);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Waits until every Deployment runs exactly its replicas of its current template, every pod is Ready
    /// (its echo servers listen) and the EndpointSlices list them.
    /// </summary>
    /// <exception cref="InvalidOperationException">A pod failed to start (e.g. its port is taken).</exception>
    public async Task WaitForPodsReadyAsync(CancellationToken ct = default)
    {
        using var changed = new ChangeSignal(_store);
        while (ClusterReadiness.Pending(_store) is not null)
        {
            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var controller in _controllers.Reverse())
        {
            await controller.DisposeAsync().ConfigureAwait(false);
        }
        // Closing the store ends every open watch, so the API server stops without waiting on them.
        _store.Dispose();
        await _api.DisposeAsync().ConfigureAwait(false);
    }

    private static JsonObject NamespaceObject(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    };

    private static string DefaultNamespace(JsonObject obj)
    {
        var ns = ObjectMeta.Namespace(obj);
        if (ns.Length == 0)
        {
            ns = "default";
            ObjectMeta.Metadata(obj)["namespace"] = ns;
        }
        return ns;
    }

    private static string NoSuchKind(JsonObject obj) =>
        $"no matches for kind \"{ObjectMeta.String(obj["kind"])}\" in version \"{ObjectMeta.String(obj["apiVersion"])}\"";
}
