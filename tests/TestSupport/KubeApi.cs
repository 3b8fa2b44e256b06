using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.TestSupport;

/// <summary>Plain REST calls to the local Kubernetes API, as kubectl or a controller makes them.</summary>
public sealed class KubeApi(Uri server) : IDisposable
{
    private static readonly Dictionary<string, string> Plurals = new(StringComparer.Ordinal)
    {
        ["Namespace"] = "namespaces",
        ["Service"] = "services",
        ["Pod"] = "pods",
        ["Deployment"] = "deployments",
        ["EndpointSlice"] = "endpointslices",
        ["HTTPRoute"] = "httproutes",
        ["GRPCRoute"] = "grpcroutes",
        ["ReferenceGrant"] = "referencegrants",
    };

    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(20) };

    public static string Collection(string apiVersion, string plural, string? ns) =>
        (apiVersion.Contains('/') ? $"apis/{apiVersion}" : $"api/{apiVersion}") + (ns is null ? "" : $"/namespaces/{ns}") + $"/{plural}";

    /// <summary>The collection an object belongs to (cluster-scoped for Namespaces).</summary>
    public static string CollectionOf(JsonObject obj)
    {
        var kind = obj["kind"]!.GetValue<string>();
        var plural = Plurals.TryGetValue(kind, out var p) ? p : throw new ArgumentException($"unknown kind {kind}");
        var ns = kind == "Namespace" ? null : obj["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
        return Collection(obj["apiVersion"]!.GetValue<string>(), plural, ns);
    }

    public static string PathOf(JsonObject obj) => $"{CollectionOf(obj)}/{Name(obj)}";

    public static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    public static string? Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();

    public async Task<JsonObject?> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    /// <summary>Creates the object, or replaces it (at its current resourceVersion) when it exists; retries on conflicts.</summary>
    public async Task<JsonObject> ApplyAsync(JsonObject obj)
    {
        var collection = CollectionOf(obj);
        var name = Name(obj);
        for (var attempt = 1; ; attempt++)
        {
            var body = (JsonObject)obj.DeepClone();
            var existing = await GetAsync($"{collection}/{name}");
            HttpResponseMessage response;
            if (existing is null)
            {
                response = await _http.PostAsync(collection, Json(body));
            }
            else
            {
                body["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
                response = await _http.PutAsync($"{collection}/{name}", Json(body));
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode is HttpStatusCode.Conflict && attempt < 10)
                {
                    continue; // someone (the status writer) changed it in between: read again, as kubectl does
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{(int)response.StatusCode} applying {collection}/{name}: {text}");
                }
                return JsonNode.Parse(text)!.AsObject();
            }
        }
    }

    /// <summary>Applies a Namespace of this name.</summary>
    public Task<JsonObject> ApplyNamespaceAsync(string name) => ApplyAsync(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    });

    public async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(path);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task<IReadOnlyList<JsonObject>> ListAsync(string collection, string? labelSelector = null)
    {
        var list = await GetAsync(labelSelector is null ? collection : $"{collection}?labelSelector={Uri.EscapeDataString(labelSelector)}")
                   ?? throw new InvalidOperationException($"no list at {collection}");
        return list["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    /// <summary>The first running pod (by name) in <paramref name="ns"/> whose labels match the selector, as upstream's ConnectToApp.</summary>
    public async Task<Pod> PodAsync(string ns, string labelSelector) =>
        FirstRunning(ns, await ListAsync(Collection("v1", "pods", ns), labelSelector), _ => true)
        ?? throw new InvalidOperationException($"no running pod in {ns} matches {labelSelector}");

    /// <summary>The first running pod (by name) of a Deployment: its name starts with "deployment-".</summary>
    public async Task<Pod> DeploymentPodAsync(string ns, string deployment) =>
        FirstRunning(ns, await ListAsync(Collection("v1", "pods", ns)), name => name.StartsWith(deployment + "-", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"no running pod of {ns}/{deployment}");

    private static Pod? FirstRunning(string ns, IEnumerable<JsonObject> pods, Func<string, bool> named) => pods
        .Where(p => p["status"]?["podIP"] is not null && named(Name(p)))
        .OrderBy(Name, StringComparer.Ordinal)
        .Select(p => new Pod(ns, Name(p), p["status"]!["podIP"]!.GetValue<string>()))
        .FirstOrDefault();

    private static StringContent Json(JsonObject obj) => new(obj.ToJsonString(), Encoding.UTF8, "application/json");

    public void Dispose() => _http.Dispose();
}
