using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Mesh.AppHost.Echo;

/// <summary>
/// Answers every request with the echo JSON, after reading and discarding the request body.
/// <c>x-echo-delay-ms: N</c> delays the answer, <c>x-echo-status: C</c> sets its status code; a gRPC
/// request over HTTP/2 gets the JSON as one gRPC message and <c>grpc-status: 0</c>.
/// </summary>
internal sealed class EchoHandler(string ns, string pod)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var aborted = context.RequestAborted;
        await request.Body.CopyToAsync(Stream.Null, aborted).ConfigureAwait(false);
        if (Number(request.Headers["x-echo-delay-ms"]) is > 0 and var delay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delay), aborted).ConfigureAwait(false);
        }
        var body = EchoBody.Serialize(context, ns, pod);
        response.StatusCode = Number(request.Headers["x-echo-status"]) is >= 200 and <= 599 and var status ? (int)status : 200;
        if (HttpProtocol.IsHttp2(request.Protocol) &&
            request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            response.ContentType = "application/grpc";
            await response.Body.WriteAsync(GrpcEchoMessage.Frame(body), aborted).ConfigureAwait(false);
            response.AppendTrailer("grpc-status", "0");
            return;
        }
        response.ContentType = "application/json";
        // 204 and 304 must not carry a body.
        if (response.StatusCode is not (204 or 304))
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, aborted).ConfigureAwait(false);
        }
    }

    private static long? Number(string? header) =>
        long.TryParse(header, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
