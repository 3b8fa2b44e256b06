using System.Net;
using System.Net.Sockets;

namespace Mesh.AppHost.Orchestration;

/// <summary>Picks a free loopback port for a flag given as 0.</summary>
public static class FreePort
{
    public static int Pick()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static int OrFree(int port) => port == 0 ? Pick() : port;
}
