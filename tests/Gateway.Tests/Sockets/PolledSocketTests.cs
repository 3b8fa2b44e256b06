using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>
/// The gateway's own epoll sockets over real loopback connections: receives that wait for the loop, sends
/// larger than the kernel's buffers, cancellation, close, connect, and where continuations run.
/// </summary>
public sealed class PolledSocketTests : IAsyncLifetime
{
    private LoopbackPair _pair = null!;
    private Socket _peer = null!;
    private PolledSocket _socket = null!;

    public async Task InitializeAsync()
    {
        _pair = await LoopbackPair.ConnectAsync();
        (_socket, _peer) = (_pair.Socket, _pair.Peer);
    }

    public Task DisposeAsync()
    {
        _pair.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_receive_waits_for_bytes_and_gets_them()
    {
        var buffer = new byte[64];
        var receiving = _socket.ReceiveAsync(buffer);
        await Task.Delay(50);
        Assert.False(receiving.IsCompleted);

        await _peer.SendAsync("hello"u8.ToArray());

        var read = await receiving.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task Receives_smaller_than_what_arrived_read_it_all_then_wait()
    {
        var sent = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await _peer.SendAsync(sent);
        var received = new List<byte>();
        var buffer = new byte[7]; // Each receive fills its buffer: the socket stays readable until one comes up short.
        while (received.Count < sent.Length)
        {
            var read = await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        Assert.Equal(sent, received);

        var next = _socket.ReceiveAsync(buffer);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        await _peer.SendAsync(new byte[] { 42 });
        Assert.Equal(1, await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(42, buffer[0]);
    }

    [Fact]
    public async Task A_send_larger_than_the_kernel_buffers_waits_for_the_reader_and_arrives_whole()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var sending = _socket.SendAsync(data).AsTask();
        await Task.Delay(100);
        Assert.False(sending.IsCompleted); // Nobody reads yet: the send waits for the socket to drain.

        var received = new byte[data.Length];
        var total = 0;
        while (total < data.Length)
        {
            total += await _peer.ReceiveAsync(received.AsMemory(total));
        }
        Assert.Equal(data.Length, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task A_cancelled_receive_ends_and_the_socket_still_reads()
    {
        using var cancel = new CancellationTokenSource();
        var buffer = new byte[16];
        var receiving = _socket.ReceiveAsync(buffer, cancel.Token).AsTask();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving.WaitAsync(TimeSpan.FromSeconds(10)));

        await _peer.SendAsync("after"u8.ToArray());
        var read = await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("after", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task The_peer_closing_ends_a_waiting_receive_with_zero()
    {
        var receiving = _socket.ReceiveAsync(new byte[16]).AsTask();
        _peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await receiving.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Bytes_and_the_close_that_arrive_together_are_both_read()
    {
        await _peer.SendAsync("last words"u8.ToArray());
        _peer.Shutdown(SocketShutdown.Send);
        await Task.Delay(50); // Both are in before the first receive: one edge announced them.
        var buffer = new byte[64];

        var read = await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("last words", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(0, await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_close_counts_once_everything_sent_before_it_is_read()
    {
        Assert.False(_socket.PeerClosed());
        await _peer.SendAsync("rest of the body"u8.ToArray());
        _peer.Shutdown(SocketShutdown.Send);
        await Task.Delay(50);

        Assert.False(_socket.PeerClosed()); // Unread bytes first: the request they belong to is still being sent.
        var buffer = new byte[64];
        var read = await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("rest of the body", System.Text.Encoding.ASCII.GetString(buffer, 0, read)); // The look took nothing.
        Assert.True(_socket.PeerClosed());
    }

    [Fact]
    public async Task A_peer_sending_steadily_never_looks_closed_while_the_loop_reads_what_it_sends()
    {
        // What the sweeper asks of a request whose body is streaming in, while the loop reads that body.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[1024];
            while (!stop.IsCancellationRequested)
            {
                await _peer.SendAsync(chunk);
            }
        });
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            while (await _socket.ReceiveAsync(buffer) > 0)
            {
            }
        });
        var looks = 0;
        var closed = 0;
        while (!stop.IsCancellationRequested)
        {
            looks++;
            closed += _socket.PeerClosed() ? 1 : 0;
        }
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        _peer.Shutdown(SocketShutdown.Send); // Ends a receive still waiting.
        await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(looks > 1000, $"only {looks} looks");
        Assert.Equal(0, closed);
    }

    [Fact]
    public async Task Bytes_after_urgent_data_are_read_though_a_read_stops_short_at_its_mark()
    {
        await _peer.SendAsync("before"u8.ToArray());
        await _peer.SendAsync("!"u8.ToArray(), SocketFlags.OutOfBand);
        await _peer.SendAsync("after"u8.ToArray());
        await Task.Delay(50); // All in before the first receive, announced by the edges already seen.
        var received = new System.Text.StringBuilder();
        var buffer = new byte[64];

        while (!received.ToString().EndsWith("after", StringComparison.Ordinal))
        {
            var read = await _socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            received.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.Equal("beforeafter", received.ToString()); // The urgent byte itself is out of band.
    }

    [Fact]
    public async Task Disposing_ends_a_waiting_receive_with_an_aborted_operation()
    {
        var receiving = _socket.ReceiveAsync(new byte[16]).AsTask();
        _socket.Dispose();

        var error = await Assert.ThrowsAsync<SocketException>(() => receiving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.OperationAborted, error.SocketErrorCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _socket.ReceiveAsync(new byte[16]).AsTask());
    }

    [Fact]
    public async Task Continuations_of_receives_that_waited_run_on_an_event_loop()
    {
        var receiving = _socket.ReceiveAsync(new byte[16]);
        Assert.False(receiving.IsCompleted);
        var ranOn = ThreadAfter(receiving); // Waiting before the byte is sent.
        await _peer.SendAsync(new byte[] { 1 });

        Assert.StartsWith("mesh loop", await ranOn.WaitAsync(TimeSpan.FromSeconds(10)));

        static async Task<string?> ThreadAfter(ValueTask<int> receiving)
        {
            await receiving.ConfigureAwait(false);
            return EventLoop.Current is null ? $"not a loop: {Thread.CurrentThread.Name}" : Thread.CurrentThread.Name;
        }
    }

    [Fact]
    public async Task Connecting_where_nothing_listens_is_refused()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)closed.LocalEndPoint!; // Bound, never listening: a connect is refused.

        var error = await Assert.ThrowsAsync<SocketException>(() => PolledSocket.ConnectAsync(endpoint, CancellationToken.None).AsTask());

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task Many_exchanges_in_both_directions_keep_their_order()
    {
        var buffer = new byte[4];
        var peerBuffer = new byte[4];
        for (var i = 0; i < 2000; i++)
        {
            BitConverter.TryWriteBytes(buffer, i);
            await _socket.SendAsync(buffer);
            var got = 0;
            while (got < 4)
            {
                got += await _peer.ReceiveAsync(peerBuffer.AsMemory(got));
            }
            Assert.Equal(i, BitConverter.ToInt32(peerBuffer));
            await _peer.SendAsync(peerBuffer);
            got = 0;
            while (got < 4)
            {
                got += await _socket.ReceiveAsync(buffer.AsMemory(got)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            }
            Assert.Equal(i, BitConverter.ToInt32(buffer));
        }
    }
}
