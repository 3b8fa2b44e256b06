using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;
using Microsoft.AspNetCore.Http;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>Reading request bodies and writing JSON responses.</summary>
internal static class HttpJson
{
    public const string ContentType = "application/json";

    public static Task WriteAsync(HttpResponse response, int statusCode, JsonNode body, string contentType = ContentType) =>
        WriteAsync(response, statusCode, JsonBytes.Serialize(body), contentType);

    public static async Task WriteAsync(HttpResponse response, int statusCode, byte[] body, string contentType = ContentType)
    {
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <exception cref="LocalApiException">400 BadRequest when the body is not a JSON object.</exception>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request) =>
        await ReadNodeAsync(request).ConfigureAwait(false) as JsonObject ?? throw ApiErrors.BadRequest("the request body must be a JSON object");

    /// <exception cref="LocalApiException">400 BadRequest when the body is not JSON.</exception>
    public static async Task<JsonNode?> ReadNodeAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        // The reader checks string bytes only when a value is read, and then throws InvalidOperationException:
        // a 500 for what is the client's error.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw ApiErrors.BadRequest("the request body is not valid UTF-8");
        }
        try
        {
            // A repeated field is refused, as the API server's strict field validation does; the node would
            // otherwise throw ArgumentException when the object is first read.
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"the body of the request was in an unknown format - accepted media types include: application/json: {e.Message}");
        }
    }

    public static bool IsTrue(string? flag) =>
        flag is not null && (flag == "1" || flag.Equals("true", StringComparison.OrdinalIgnoreCase));
}
