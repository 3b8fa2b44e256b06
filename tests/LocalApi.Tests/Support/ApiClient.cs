using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.LocalApi.Tests.Support;

/// <summary>Plain HTTP calls to the local API, returning status and parsed JSON.</summary>
public sealed class ApiClient(Uri baseUri) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body);

    public Task<(HttpStatusCode Status, JsonObject Body)> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);

    public Task<(HttpStatusCode Status, JsonObject Body)> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>GET that must succeed.</summary>
    public async Task<JsonObject> GetOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body.ToJsonString()}");
        return body;
    }

    /// <summary>POST that must create.</summary>
    public async Task<JsonObject> CreateAsync(string path, JsonNode body)
    {
        var (status, created) = await PostAsync(path, body);
        Assert.True(status == HttpStatusCode.Created, $"POST {path}: {(int)status} {created.ToJsonString()}");
        return created;
    }

    /// <summary>PUT that must succeed.</summary>
    public async Task<JsonObject> ReplaceAsync(string path, JsonNode body)
    {
        var (status, replaced) = await PutAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, $"PUT {path}: {(int)status} {replaced.ToJsonString()}");
        return replaced;
    }

    /// <summary>Read-modify-write, retried on 409 Conflict as clients do when a controller wrote in between.</summary>
    public async Task<JsonObject> UpdateAsync(string path, Action<JsonObject> change)
    {
        while (true)
        {
            var current = await GetOkAsync(path);
            change(current);
            var (status, updated) = await PutAsync(path, current);
            if (status != HttpStatusCode.Conflict)
            {
                Assert.True(status == HttpStatusCode.OK, $"PUT {path}: {(int)status} {updated.ToJsonString()}");
                return updated;
            }
        }
    }

    /// <summary>The items of a list, after checking it is a proper list.</summary>
    public async Task<List<JsonObject>> ListAsync(string path)
    {
        var list = await GetOkAsync(path);
        Assert.EndsWith("List", (string)list["kind"]!);
        Assert.NotNull(list["metadata"]?["resourceVersion"]);
        return [.. list["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    public void Dispose() => Http.Dispose();
}
