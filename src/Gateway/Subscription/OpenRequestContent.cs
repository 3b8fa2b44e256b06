using System.Net;

namespace Mesh.Gateway.Subscription;

/// <summary>
/// A request body that writes its first line and then stays open, so the HTTP/2 stream remains a
/// two-way channel for the life of the subscription.
/// </summary>
internal sealed class OpenRequestContent(byte[] firstLine, CancellationToken lifetime) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(firstLine, lifetime).ConfigureAwait(false);
        await stream.FlushAsync(lifetime).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The subscription ended; the request body ends with it.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
