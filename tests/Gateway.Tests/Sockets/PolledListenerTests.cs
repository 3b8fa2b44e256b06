using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>A listener in the event loops' epoll sets: each connection is accepted on a loop's own thread, none after it is disposed.</summary>
public sealed class PolledListenerTests
{
    [Fact]
    public async Task Connections_are_accepted_on_the_event_loops_and_not_after_disposal()
    {
        if (!EventLoops.Supported)
        {
            return;
        }
        using var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.Listen(64);
        var port = ((IPEndPoint)listening.LocalEndPoint!).Port;
        var accepted = new ConcurrentQueue<(Socket Socket, bool OnLoop)>();
        var listener = new PolledListener(listening, client => accepted.Enqueue((client, EventLoop.Current is not null)), _ => { });

        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            await WaitUntilAsync(() => accepted.Count == 20);
            Assert.All(accepted, a => Assert.True(a.OnLoop, "accepted off the event loops"));

            listener.Dispose();
            var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(late);
            await late.ConnectAsync(IPAddress.Loopback, port); // The kernel's backlog still completes it.
            await Task.Delay(300);
            Assert.Equal(20, accepted.Count);
        }
        finally
        {
            listener.Dispose();
            foreach (var socket in clients.Concat(accepted.Select(a => a.Socket)))
            {
                socket.Dispose();
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 100; waited++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "not all connections were accepted within 5 s");
    }
}
