using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>
/// Sends made on an event loop's thread, and receives the loop resumes, which go to the loop's io_uring
/// together, over real loopback connections: they must mean what send() and recv() meant, whole, in order,
/// waiting on a full or drained socket, cancellable, and failing as .NET's sockets fail.
/// </summary>
public sealed class SocketRingTests : IAsyncLifetime
{
    private LoopbackPair _pair = null!;
    private Socket _peer = null!;
    private PolledSocket _socket = null!;

    public async Task InitializeAsync()
    {
        _pair = await LoopbackPair.ConnectAsync();
        (_socket, _peer) = (_pair.Socket, _pair.Peer);
        Assert.NotNull(await OnLoop(() => Task.FromResult(_socket.Loop!.Ring))); // io_uring is there on the machines these tests run on.
    }

    public Task DisposeAsync()
    {
        _pair.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_send_made_on_the_loop_waits_for_the_batch_end_then_arrives()
    {
        var synchronous = true;
        var sending = await OnLoop(() =>
        {
            var send = _socket.SendAsync("hello"u8.ToArray());
            synchronous = send.IsCompleted;
            return Task.FromResult(send.AsTask());
        });

        Assert.False(synchronous); // Queued on the ring: a send() would have finished in the call.
        Assert.Equal(5, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        var buffer = new byte[16];
        var read = await _peer.ReceiveAsync(buffer);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task A_send_larger_than_the_kernel_buffers_goes_in_parts_and_arrives_whole()
    {
        var data = new byte[8 * 1024 * 1024];
        new Random(11).NextBytes(data);
        var sending = await OnLoop(() => Task.FromResult(_socket.SendAsync(data).AsTask()));
        await Task.Delay(100);
        Assert.False(sending.IsCompleted); // Nobody reads yet: after the ring's EAGAIN it waits for writable.

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
    public async Task Sends_one_after_another_on_the_loop_keep_their_order()
    {
        var done = await OnLoop(() => Task.FromResult(SendEachByte()));

        Assert.True(await done.WaitAsync(TimeSpan.FromSeconds(10)));
        var received = new List<byte>();
        var buffer = new byte[256];
        while (received.Count < 200)
        {
            var read = await _peer.ReceiveAsync(buffer);
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (byte)i), received);
    }

    [Fact]
    public async Task A_send_still_queued_when_its_socket_is_disposed_ends_aborted_and_sends_nothing()
    {
        var sending = await OnLoop(() =>
        {
            var send = _socket.SendAsync("never"u8.ToArray()).AsTask();
            _socket.Dispose(); // Before the batch ends: the ring finds the socket closed.
            return Task.FromResult(send);
        });

        var error = await Assert.ThrowsAsync<SocketException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.OperationAborted, error.SocketErrorCode);
        Assert.Equal(0, await _peer.ReceiveAsync(new byte[16])); // The close, and nothing before it.
    }

    [Fact]
    public async Task A_send_to_a_peer_that_reset_fails_as_a_socket_error()
    {
        _peer.LingerState = new LingerOption(true, 0);
        _peer.Close(); // A reset.
        await Task.Delay(100);

        var sending = await OnLoop(() => Task.FromResult(_socket.SendAsync(new byte[1024]).AsTask()));

        var error = await Assert.ThrowsAsync<SocketException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(error.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown, SocketError.ConnectionAborted });
    }

    [Fact]
    public async Task A_send_that_waits_on_a_full_socket_after_the_ring_can_still_be_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var sending = await OnLoop(() => Task.FromResult(_socket.SendAsync(new byte[8 * 1024 * 1024], cancel.Token).AsTask()));
        await Task.Delay(100);
        Assert.False(sending.IsCompleted);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_continuation_that_disposes_another_socket_of_the_same_batch_does_not_hang_the_loop()
    {
        using var other = await OnLoop(LoopbackPair.ConnectAsync); // Connected from the loop: it joins the same one.
        Assert.Same(_socket.Loop, other.Socket.Loop);

        var (disposed, second) = await OnLoop(() =>
        {
            var first = _socket.SendAsync("first"u8.ToArray());
            var second = other.Socket.SendAsync("second"u8.ToArray()).AsTask(); // Same batch, after the first.
            return Task.FromResult((DisposeAfter(first, other.Socket), second));
        });

        // Before, the ring still held the second socket's handle while the first's continuation ran, and
        // Dispose waits for every hold on a handle: the loop spun there for ever.
        await disposed.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.WhenAny(second).WaitAsync(TimeSpan.FromSeconds(10)); // Sent or aborted: either way, finished.

        static async Task DisposeAfter(ValueTask<int> sending, PolledSocket socket)
        {
            await sending; // Runs on, inline, where the ring completes the send.
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Receives_the_loop_resumes_in_one_batch_go_together_and_one_may_dispose_the_other()
    {
        using var other = await OnLoop(LoopbackPair.ConnectAsync);
        Assert.Same(_socket.Loop, other.Socket.Loop);
        var firstBuffer = new byte[16];
        var (disposed, second) = await OnLoop(() =>
        {
            var first = _socket.ReceiveAsync(firstBuffer);
            var second = other.Socket.ReceiveAsync(new byte[16]).AsTask();
            return Task.FromResult((DisposeAfter(first, other.Socket), second));
        });

        // Both peers write at once, so that both receives are likely resumed by one batch of events.
        await Task.WhenAll(_peer.SendAsync("one"u8.ToArray()), other.Peer.SendAsync("two"u8.ToArray()));

        Assert.Equal("one", System.Text.Encoding.ASCII.GetString(firstBuffer, 0, await disposed.WaitAsync(TimeSpan.FromSeconds(10))));
        await Task.WhenAny(second).WaitAsync(TimeSpan.FromSeconds(10)); // Read or aborted: either way, finished.

        static async Task<int> DisposeAfter(ValueTask<int> receiving, PolledSocket socket)
        {
            var read = await receiving;
            socket.Dispose();
            return read;
        }
    }

    [Fact]
    public async Task A_receive_the_loop_resumes_reads_all_that_came_then_the_end()
    {
        var data = new byte[1024 * 1024];
        new Random(5).NextBytes(data);
        var reading = await OnLoop(() => Task.FromResult(ReadAll(_socket))); // Started on the loop: every wait is resumed there.

        await _peer.SendAsync(data);
        _peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(data, await reading.WaitAsync(TimeSpan.FromSeconds(10)));

        static async Task<byte[]> ReadAll(PolledSocket socket)
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
            return received.ToArray();
        }
    }

    private async Task<bool> SendEachByte()
    {
        for (var i = 0; i < 200; i++)
        {
            await _socket.SendAsync(new[] { (byte)i }); // Each waits for a batch end; the next is queued from its continuation.
        }
        return true;
    }

    /// <summary>Runs <paramref name="work"/> on the socket's event loop thread, where sends go to its ring.</summary>
    private async Task<T> OnLoop<T>(Func<Task<T>> work)
    {
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _socket.Loop!.Post(_ => started.SetResult(work()), null);
        return await await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
