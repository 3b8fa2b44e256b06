using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>
/// A raw TCP upstream on loopback that answers each request head it reads with the next scripted bytes,
/// exactly as given (malformed ones included), and records the heads and the connections they came on.
/// </summary>
internal sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public ScriptedUpstream()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>One scripted answer: its bytes, whether the server closes the connection after sending them, and
    /// the size of the pieces it sends them in (0: all at once), to make the client read across many receives.</summary>
    public sealed record Reply(byte[] Bytes, bool ThenClose, int Pieces, bool BeforeBody = false);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Request heads received, with the number of the connection each came on (1, 2...).</summary>
    public ConcurrentQueue<(int Connection, string Head, byte[] Body)> Requests { get; } = new();

    public int Connections => Volatile.Read(ref _connections);

    public ScriptedUpstream Then(string reply, bool thenClose = false, int pieces = 0) => Then(Encoding.Latin1.GetBytes(reply), thenClose, pieces);

    /// <summary>The next request is answered as soon as its head is read, without reading its body, and the connection closed.</summary>
    public ScriptedUpstream ThenBeforeBody(string reply)
    {
        _replies.Enqueue(new Reply(Encoding.Latin1.GetBytes(reply), ThenClose: true, Pieces: 0, BeforeBody: true));
        return this;
    }

    /// <summary>The next request is read and the connection closed without a byte of answer.</summary>
    public ScriptedUpstream ThenHangUp() => Then([], thenClose: true);

    public ScriptedUpstream Then(byte[] reply, bool thenClose = false, int pieces = 0)
    {
        _replies.Enqueue(new Reply(reply, thenClose, pieces));
        return this;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket, Interlocked.Increment(ref _connections));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped; InvalidOperationException when the last connection's exchange ran to its end before the loop asked again.
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            try
            {
                while (true)
                {
                    int end;
                    while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        length += read;
                    }
                    var head = Encoding.Latin1.GetString(buffer, 0, end + 4);
                    if (_replies.TryPeek(out var early) && early.BeforeBody && _replies.TryDequeue(out _))
                    {
                        Requests.Enqueue((number, head, []));
                        await socket.SendAsync(early.Bytes, SocketFlags.None, _stop.Token);
                        socket.Close(); // Unread body bytes make this a reset, as a server refusing an upload does.
                        return;
                    }
                    var bodyLength = ContentLength(head);
                    if (buffer.Length < end + 4 + bodyLength)
                    {
                        Array.Resize(ref buffer, end + 4 + bodyLength);
                    }
                    while (length < end + 4 + bodyLength)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        length += read;
                    }
                    Requests.Enqueue((number, head, buffer.AsSpan(end + 4, bodyLength).ToArray()));
                    var consumed = end + 4 + bodyLength;
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                    length -= consumed;
                    if (!_replies.TryDequeue(out var reply))
                    {
                        return; // Nothing scripted: hang up.
                    }
                    for (var sent = 0; sent < reply.Bytes.Length;)
                    {
                        var piece = reply.Pieces > 0 ? Math.Min(reply.Pieces, reply.Bytes.Length - sent) : reply.Bytes.Length;
                        sent += await socket.SendAsync(reply.Bytes.AsMemory(sent, piece), SocketFlags.None, _stop.Token);
                        if (reply.Pieces > 0)
                        {
                            await Task.Delay(1, _stop.Token); // Each piece its own segment.
                        }
                    }
                    if (reply.ThenClose)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
