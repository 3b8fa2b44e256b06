namespace Mesh.Gateway.Front;

/// <summary>
/// A request body of declared length on a lean connection: what arrived with the head first, then
/// straight from the socket, never past the body's end (the next request may follow it).
/// </summary>
internal sealed class LeanRequestBody(LeanConnection connection) : Stream
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - Remaining; set => throw new NotSupportedException(); }
    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
