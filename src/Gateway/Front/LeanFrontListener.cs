using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Proxy;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front;

/// <summary>
/// The traffic listener: accepts connections and serves each with a <see cref="LeanConnection"/>; the
/// connections those hand over come out of <see cref="AcceptAsync"/> for Kestrel. It caps the
/// connections open at once (lean and handed over alike), closes idle ones after Kestrel's keep-alive
/// timeout, and notices clients that leave while their request is still being served.
/// </summary>
internal sealed class LeanFrontListener : IConnectionListener
{
    /// <summary>Kestrel's default keep-alive timeout.</summary>
    private static readonly long KeepAliveMilliseconds = (long)TimeSpan.FromSeconds(130).TotalMilliseconds;

    /// <summary>A request running longer than this has its client checked for having gone (once a second).</summary>
    internal const long CheckClientAfterMilliseconds = 1000;

    private readonly Socket _socket;
    private readonly MeshProxy _proxy;
    private readonly long _maxConnections;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _handedOver = Channel.CreateUnbounded<ConnectionContext>();
    private readonly ConcurrentDictionary<LeanConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Timer _sweeper;
    private readonly Task _accepting;
    private long _open;

    private readonly MemoryPool<byte> _memoryPool;
    private readonly PolledListener? _polled;

    private readonly Counter _servedLean;
    private readonly Counter _handedOverCount;

    private LeanFrontListener(Socket socket, MeshProxy proxy, GatewayMetrics metrics, long maxConnections, (bool Serve, int MaxStreams, TimeSpan HeadTimeout) http2, ILogger logger, MemoryPool<byte> memoryPool)
    {
        ServesHttp2 = http2.Serve;
        MaxStreamsPerConnection = http2.MaxStreams;
        HeadTimeout = http2.HeadTimeout;
        _servedLean = metrics.FrontConnections.WithLabels(new LabelValues("lean"));
        _handedOverCount = metrics.FrontConnections.WithLabels(new LabelValues("kestrel"));
        _memoryPool = memoryPool;
        _socket = socket;
        _proxy = proxy;
        _maxConnections = maxConnections;
        _logger = logger;
        EndPoint = new LeanFrontEndPoint(((IPEndPoint)socket.LocalEndPoint!).Address, ((IPEndPoint)socket.LocalEndPoint!).Port);
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        if (EventLoops.Supported)
        {
            _polled = new PolledListener(socket, Accepted, AcceptFailed);
            _accepting = Task.CompletedTask;
        }
        else
        {
            _accepting = AcceptLoopAsync();
        }
    }

    public static LeanFrontListener Bind(LeanFrontEndPoint endpoint, MeshProxy proxy, GatewayMetrics metrics, long maxConnections, (bool Serve, int MaxStreams, TimeSpan HeadTimeout) http2, ILogger logger, MemoryPool<byte> memoryPool)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(new IPEndPoint(endpoint.Address, endpoint.Port));
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            if (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new AddressInUseException(e.Message, e);
            }
            throw;
        }
        return new LeanFrontListener(socket, proxy, metrics, maxConnections, http2, logger, memoryPool);
    }

    public EndPoint EndPoint { get; }

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>h2c connections are served here (Front/Http2) rather than handed to Kestrel.</summary>
    public bool ServesHttp2 { get; }

    /// <summary>How long a client may take, once it has begun, to send a whole h2c preface or request-line (the header timeout).</summary>
    public TimeSpan HeadTimeout { get; }

    /// <summary>Concurrent streams an HTTP/2 client may open.</summary>
    public int MaxStreamsPerConnection { get; }

    /// <summary>Where epoll is not (the event loops are Linux's): .NET's engine accepts.</summary>
    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A client that reset before its accept is nothing; anything else (out of file handles, say)
                // gets a short pause, so the loop waits for it to pass rather than spinning on it.
                if (e.SocketErrorCode != SocketError.ConnectionReset)
                {
                    AcceptFailed(e);
                    await Task.Delay(PolledListener.PauseAfterFailure).ConfigureAwait(false);
                }
                continue;
            }
            Accepted(client);
        }
    }

    private void AcceptFailed(SocketException e) => _logger.LogWarning(e, "accept failed");

    /// <summary>Serves an accepted connection; on an event loop, the one that accepted it.</summary>
    private void Accepted(Socket client)
    {
        if (Interlocked.Increment(ref _open) > _maxConnections)
        {
            Interlocked.Decrement(ref _open);
            client.Dispose(); // Over the cap: closed at once, as Kestrel does.
            return;
        }
        PolledSocket polled;
        try
        {
            client.NoDelay = true;
            polled = PolledSocket.Wrap(client);
        }
        catch (SocketException e)
        {
            // The client reset already, or the event loop could not watch the socket (out of memory): closed.
            Interlocked.Decrement(ref _open);
            client.Dispose();
            if (e.SocketErrorCode != SocketError.ConnectionReset)
            {
                _logger.LogWarning(e, "could not watch an accepted connection");
            }
            return;
        }
        _servedLean.Add();
        var connection = new LeanConnection(polled, this, _proxy);
        _connections[connection] = 0;
        _ = connection.RunAsync();
    }

    /// <summary>Kestrel's next connection: one a lean connection handed over, or null once the listener is unbound.</summary>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _handedOver.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    internal void HandOver(PolledSocket socket, byte[] alreadyRead)
    {
        var connection = new HandedOverConnection(socket, alreadyRead, _memoryPool,
            "K" + socket.Socket.Handle.ToString("X", System.Globalization.CultureInfo.InvariantCulture), () => Interlocked.Decrement(ref _open),
            () => IsStopping);
        connection.Start();
        _handedOverCount.Add();
        if (!_handedOver.Writer.TryWrite(connection))
        {
            _ = connection.DisposeAsync().AsTask(); // Stopping: Kestrel takes no more.
        }
    }

    /// <summary>A lean connection ended (closed, or handed over, which then counts as Kestrel's).</summary>
    internal void Forget(LeanConnection connection)
    {
        if (_connections.TryRemove(connection, out _) && !connection.HandedOver)
        {
            Interlocked.Decrement(ref _open);
        }
    }

    internal void Failed(Exception e) => _logger.LogError(e, "the request path failed on a lean connection");

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var connection in _connections.Keys)
        {
            if (connection.AbortIfOutputStalled(now))
            {
                continue;
            }
            var busySince = connection.BusySince;
            if (busySince != 0)
            {
                if (now - busySince > CheckClientAfterMilliseconds)
                {
                    connection.CheckClientStillThere(now);
                }
            }
            else if (IsStopping || now - connection.IdleSince > KeepAliveMilliseconds)
            {
                connection.CloseIdle();
            }
        }
    }

    /// <summary>Stops accepting; idle connections close, busy ones after their response.</summary>
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (IsStopping)
        {
            return;
        }
        _stopping.Cancel();
        _polled?.Dispose();
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        _handedOver.Writer.TryComplete();
        Sweep();
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        // Requests in progress get a few seconds to finish, as Kestrel gives its own.
        for (var waited = 0; waited < 50 && !_connections.IsEmpty; waited++)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        if (_memoryPool != MemoryPool<byte>.Shared)
        {
            _memoryPool.Dispose();
        }
    }
}
