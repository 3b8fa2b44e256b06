namespace Mesh.Gateway.Front;

/// <summary>
/// A request body of declared length on a lean connection: what arrived with the head first, then
/// straight from the socket, never past the body's end (the next request may follow it).
/// </summary>
internal sealed class LeanRequestBody(LeanConnection connection) : RequestBodyStream
{
    private long _length;

    /// <summary>Body bytes not read yet.</summary>
    public long Remaining { get; private set; }

    internal void Begin(long length)
    {
        _length = length;
        Remaining = length;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }
        var read = await connection.ReadBodyAsync(buffer[..(int)Math.Min(buffer.Length, Remaining)], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException($"the client ended the request body {Remaining} bytes before its Content-Length");
        }
        Remaining -= read;
        return read;
    }

    public override long Length => _length;
    public override long Position { get => _length - Remaining; set => throw new NotSupportedException(); }
}
