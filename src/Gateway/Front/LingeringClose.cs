using System.Buffers;
using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front;

/// <summary>
/// Ends a client connection as nginx's lingering close does: after the last answer, FIN; then whatever the
/// client still sends is read and dropped until it closes its side too, or <see cref="MaxLinger"/> passes.
/// Closing a socket with bytes unread makes the kernel send a reset, and a client that gets one can lose
/// the answers it had not read yet: the 400 to a broken request pipelined behind good ones, the 413 or
/// redirect to an upload still being sent (found by fuzzing the front).
/// </summary>
internal static class LingeringClose
{
    public static readonly TimeSpan MaxLinger = TimeSpan.FromSeconds(2);

    /// <summary>Closes <paramref name="socket"/> once the client has, or the time is up; never throws.</summary>
    public static async Task RunAsync(PolledSocket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var deadline = new CancellationTokenSource(MaxLinger);
            await DropUntilClosedAsync(socket, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client reset or is gone, or lingered too long: close all the same.
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Reads and drops what the client sends until it closes its side.</summary>
    public static async Task DropUntilClosedAsync(PolledSocket socket, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await socket.ReceiveAsync(scratch, ct).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
