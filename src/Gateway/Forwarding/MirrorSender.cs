using Mesh.Gateway.Balancing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Sends mirrored copies of requests in the background. A mirror never delays or changes the client's
/// response: it is not awaited, its answer is discarded, and its failures are only logged.
/// </summary>
public sealed class MirrorSender(HttpForwarder forwarder, ILogger<MirrorSender> logger)
{
    private static readonly TimeSpan MirrorTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Builds the copy now (while the request is alive) and sends it without waiting.</summary>
    public void Send(HttpContext context, EndpointState endpoint, string authority, string pathAndQuery, bool useH2c, byte[]? body, bool hasUnbufferedBody)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (hasUnbufferedBody)
        {
            return; // A streamed body can be read once, and it belongs to the real request.
        }
        HttpRequestMessage copy;
        try
        {
            copy = UpstreamRequest.Create(context, endpoint.Origin, authority, pathAndQuery, useH2c, body);
        }
        catch (Http1.UnsendableRequestException e)
        {
            logger.LogDebug("Mirror to {Endpoint} not sent: {Error}", endpoint.Address, e.Message); // The real request goes on.
            return;
        }
        _ = Task.Run(async () =>
        {
            using (copy)
            using (var timeout = new CancellationTokenSource(MirrorTimeout))
            {
                try
                {
                    using var response = await forwarder.Client.SendAsync(copy, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    logger.LogDebug("Mirror to {Endpoint} failed: {Error}", endpoint.Address, e.Message);
                }
            }
        });
    }
}
