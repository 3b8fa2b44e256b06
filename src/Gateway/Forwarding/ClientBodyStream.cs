using Mesh.Gateway.Front;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// The client's request body as SocketsHttpHandler reads it. A body that breaks while it is read (bad
/// chunked framing, a reset stream) surfaces from the handler as an HttpRequestException, like an upstream
/// failure; marked here, it is answered 400 and counted against the client, not the endpoint.
/// </summary>
internal sealed class ClientBodyStream(Stream body) : RequestBodyStream
{
    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new UnreadableBodyException(e);
        }
    }
}
