using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Plain REST calls to the local Kubernetes API, the way kubectl or a controller makes them.</summary>
public sealed class KubeApi(Uri server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server };

    public static string Collection(string apiVersion, string plural, string? ns) =>
        (apiVersion.Contains('/') ? $"apis/{apiVersion}" : $"api/{apiVersion}") + (ns is null ? "" : $"/namespaces/{ns}") + $"/{plural}";

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

    /// <summary>Creates the object, or replaces it (at its current resourceVersion) when it exists.</summary>
    public async Task<JsonObject> ApplyAsync(string collection, JsonObject obj)
    {
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        var existing = await GetAsync($"{collection}/{name}");
        HttpResponseMessage response;
        if (existing is null)
        {
            response = await _http.PostAsync(collection, Json(obj));
        }
        else
        {
            obj["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
            response = await _http.PutAsync($"{collection}/{name}", Json(obj));
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} applying {collection}/{name}: {body}");
            }
            return JsonNode.Parse(body)!.AsObject();
        }
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(path);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task<string> PodIPAsync(string ns, string deployment)
    {
        var pods = await GetAsync($"api/v1/namespaces/{ns}/pods") ?? throw new InvalidOperationException("no pod list");
        return pods["items"]!.AsArray()
            .Select(p => p!.AsObject())
            .Where(p => p["metadata"]!["name"]!.GetValue<string>().StartsWith(deployment + "-", StringComparison.Ordinal))
            .Select(p => p["status"]?["podIP"]?.GetValue<string>())
            .First(ip => ip is not null)!;
    }

    private static StringContent Json(JsonObject obj) => new(obj.ToJsonString(), Encoding.UTF8, "application/json");

    public void Dispose() => _http.Dispose();
}
