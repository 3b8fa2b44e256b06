using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Tests;

/// <summary>
/// kube-apiserver responses kept as the server sends them (Recorded/*.json, *.ndjson), served by a
/// <see cref="FakeApiServer"/> with the status code and headers the real server sets.
/// </summary>
public static class RecordedPayloads
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", name));

    public static async Task ServeAsync(HttpContext context, string name, int status = StatusCodes.Status200OK, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        await context.Response.WriteAsync(Text(name));
    }
}
