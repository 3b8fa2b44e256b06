using System.Net;
using System.Text.Json;
using Mesh.Grains.Model;
using Mesh.Grains.Subscription;

namespace Mesh.Gateway.Subscription;

/// <summary>
/// A request body that writes its first line and then stays open, so the HTTP/2 stream remains a
/// two-way channel for the life of the subscription: Services wanted later go up it as further lines.
/// </summary>
internal sealed class OpenRequestContent(byte[] firstLine, System.Threading.Channels.ChannelReader<string>? wants, CancellationToken lifetime) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(firstLine, lifetime).ConfigureAwait(false);
        await stream.FlushAsync(lifetime).ConfigureAwait(false);
        try
        {
            if (wants is null)
            {
                await Task.Delay(Timeout.Infinite, lifetime).ConfigureAwait(false);
                return;
            }
            while (await wants.WaitToReadAsync(lifetime).ConfigureAwait(false))
            {
                // Everything wanted meanwhile goes in one line.
                var update = new InterestUpdate();
                while (wants.TryRead(out var key))
                {
                    update.Want.Add(key);
                }
                var line = JsonSerializer.SerializeToUtf8Bytes(update, KubernetesJson.Options);
                await stream.WriteAsync(line, lifetime).ConfigureAwait(false);
                await stream.WriteAsync("\n"u8.ToArray(), lifetime).ConfigureAwait(false);
                await stream.FlushAsync(lifetime).ConfigureAwait(false);
            }
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
