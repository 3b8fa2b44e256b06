using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Forwarding.Http1;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>The idle stack of one endpoint: most recent first, a connection on the renter's event loop preferred, stale ones swept.</summary>
public sealed class Http1ConnectionPoolTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Http1ConnectionPool _pool = new();

    public Http1ConnectionPoolTests() => _listener.Start();

    public void Dispose()
    {
        _pool.Close();
        _listener.Stop();
    }

    [Fact]
    public async Task A_rental_takes_the_most_recently_returned_connection()
    {
        var (older, newer) = (await ConnectAsync(), await ConnectAsync());
        Return(older);
        Return(newer);

        Assert.Same(newer, _pool.Rent(takeIdle: true, out _));
        Assert.Same(older, _pool.Rent(takeIdle: true, out _));
        Assert.Null(_pool.Rent(takeIdle: true, out _));
    }

    [Fact]
    public async Task A_rental_on_an_event_loop_prefers_a_connection_on_that_loop()
    {
        var connections = new List<Http1Connection>();
        while (connections.Select(c => c.Loop).Distinct().Count() < 2 && connections.Count < 8)
        {
            connections.Add(await ConnectAsync()); // Spread over the loops in turn.
        }
        if (connections.Select(c => c.Loop).Distinct().Count() < 2)
        {
            return; // One core, one loop: nothing to prefer.
        }
        var below = connections[0];
        var top = connections.Last(c => c.Loop != below.Loop);
        Return(below);
        Return(top);

        var rented = new TaskCompletionSource<Http1Connection?>();
        below.Loop!.Post(state => rented.SetResult(_pool.Rent(takeIdle: true, out var retired)), null);

        Assert.Same(below, await rented.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(top, _pool.Rent(takeIdle: true, out _));
    }

    [Fact]
    public async Task The_sweep_closes_connections_idle_since_before_the_cut_and_keeps_the_rest()
    {
        var (stale, fresh) = (await ConnectAsync(), await ConnectAsync());
        Return(stale);
        Return(fresh);
        stale.IdleSinceMs -= 60_000;

        Assert.False(_pool.Sweep(Environment.TickCount64 - 30_000));

        Assert.Equal(1, _pool.IdleCount);
        Assert.Same(fresh, _pool.Rent(takeIdle: true, out _));
    }

    private async Task<Http1Connection> ConnectAsync() =>
        await Http1Connection.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, TimeSpan.FromSeconds(10), CancellationToken.None);

    private void Return(Http1Connection connection)
    {
        _pool.Rent(takeIdle: false, out _);
        _pool.Return(connection, reusable: true);
    }
}
