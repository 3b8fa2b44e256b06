using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>A <see cref="PolledSocket"/> connected over loopback to a plain .NET socket, its peer.</summary>
internal sealed class LoopbackPair : IDisposable
{
    private readonly Socket _listener;

    private LoopbackPair(Socket listener, PolledSocket socket, Socket peer)
    {
        _listener = listener;
        Socket = socket;
        Peer = peer;
    }

    public PolledSocket Socket { get; }

    public Socket Peer { get; }

    public static async Task<LoopbackPair> ConnectAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var accepting = listener.AcceptAsync();
        var socket = await PolledSocket.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, CancellationToken.None);
        return new LoopbackPair(listener, socket, await accepting);
    }

    public void Dispose()
    {
        Socket.Dispose();
        Peer.Dispose();
        _listener.Dispose();
    }
}
