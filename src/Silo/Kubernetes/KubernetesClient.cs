using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// The few Kubernetes API calls the silo makes (list, watch, get, replace status), over HttpClient.
/// KubernetesClient is not restorable here; this keeps to the REST protocol so any API server works.
/// </summary>
public sealed class KubernetesClient(HttpClient http, KubernetesConnection connection)
{
    public async Task<ListResult> ListAsync(ResourceKind kind, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Get, kind.CollectionPath);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await ReadObjectAsync(response, ct).ConfigureAwait(false);
        var items = body["items"]?.AsArray().OfType<JsonObject>().Select(item =>
        {
            // Lists carry apiVersion/kind on the list only; restore them on each item.
            item["apiVersion"] ??= kind.ApiVersion;
            item["kind"] ??= kind.Kind;
            return (JsonObject)item.DeepClone();
        }).ToList() ?? [];
        var resourceVersion = body["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
        return new ListResult(items, resourceVersion);
    }

    /// <summary>
    /// Streams watch events from <paramref name="resourceVersion"/> until the server ends the stream at
    /// <paramref name="timeout"/>; a stream the server has not ended a little after that (a connection
    /// that died without a FIN) is ended here, so the caller resumes instead of waiting forever.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        ResourceKind kind, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = $"{kind.CollectionPath}?watch=1&allowWatchBookmarks=true"
            + $"&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={Math.Max(1, (int)timeout.TotalSeconds)}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout + TimeSpan.FromSeconds(Math.Min(30, Math.Max(1, timeout.TotalSeconds / 4))));
        using var request = NewRequest(HttpMethod.Get, path);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            await ReadObjectAsync(response, ct).ConfigureAwait(false); // throws with the API's Status
        }
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await ReadLineBeforeAsync(reader, deadline.Token, ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            var node = JsonNode.Parse(line) as JsonObject
                ?? throw new JsonException("A watch event is not a JSON object.");
            var type = node["type"]?.GetValue<string>() ?? throw new JsonException("A watch event has no type.");
            var obj = node["object"] as JsonObject ?? [];
            yield return new WatchEvent(type, (JsonObject)obj.DeepClone());
        }
    }

    /// <summary>The next line, or null at the end of the stream or once the watch's own deadline passes.</summary>
    private static async Task<string?> ReadLineBeforeAsync(StreamReader reader, CancellationToken deadline, CancellationToken ct)
    {
        try
        {
            return await reader.ReadLineAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Replaces the status of an object through its /status subresource.</summary>
    public async Task<JsonObject> ReplaceStatusAsync(ResourceKind kind, JsonObject obj, CancellationToken ct)
    {
        var metadata = obj["metadata"]!;
        var path = kind.ObjectPath(metadata["namespace"]?.GetValue<string>(), metadata["name"]!.GetValue<string>()) + "/status";
        using var request = NewRequest(HttpMethod.Put, path);
        request.Content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        return await ReadObjectAsync(response, ct).ConfigureAwait(false);
    }

    public async Task<JsonObject> CreateAsync(ResourceKind kind, string ns, JsonObject obj, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Post, kind.NamespacedCollectionPath(ns));
        request.Content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        return await ReadObjectAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>Replaces an object; its metadata.resourceVersion makes this conditional (409 if stale).</summary>
    public async Task<JsonObject> ReplaceAsync(ResourceKind kind, JsonObject obj, CancellationToken ct)
    {
        var metadata = obj["metadata"]!;
        var path = kind.ObjectPath(metadata["namespace"]?.GetValue<string>(), metadata["name"]!.GetValue<string>());
        using var request = NewRequest(HttpMethod.Put, path);
        request.Content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        return await ReadObjectAsync(response, ct).ConfigureAwait(false);
    }

    public async Task<JsonObject> GetAsync(ResourceKind kind, string? ns, string name, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Get, kind.ObjectPath(ns, name));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        return await ReadObjectAsync(response, ct).ConfigureAwait(false);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery)
    {
        var request = new HttpRequestMessage(method, new Uri(connection.Server, pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (connection.ReadToken() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException) when (!response.IsSuccessStatusCode)
        {
            // An error without a Status body (a proxy in between, say): report the HTTP status alone.
        }
        if (!response.IsSuccessStatusCode || body is null)
        {
            var reason = body?["reason"]?.GetValue<string>() ?? response.ReasonPhrase ?? "Unknown";
            var message = body?["message"]?.GetValue<string>() ?? text;
            throw new KubernetesApiException(
                response.IsSuccessStatusCode ? HttpStatusCode.BadGateway : response.StatusCode, reason, message, RetryAfterOf(response, body));
        }
        return body;
    }

    /// <summary>The server's requested wait (429, or 5xx while it starts): the header first, else the Status's details.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, JsonObject? status)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta
            ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
            ?? (status?["details"]?["retryAfterSeconds"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) ? TimeSpan.FromSeconds(s) : (TimeSpan?)null);
        // A server asking for more than a minute is not waited on longer than that: the backoff's own cap applies.
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, TimeSpan.FromMinutes(1).Ticks)) : null;
    }
}
