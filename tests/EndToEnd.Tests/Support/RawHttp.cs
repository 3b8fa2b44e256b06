using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Bytes on a socket, for requests no well-behaved client library would send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> as is and returns the status code of the answer (0 if the connection closed first).</summary>
    public static async Task<int> StatusAsync(Uri server, string request, TimeSpan? timeout = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
        var buffer = new byte[4096];
        var received = 0;
        while (received < 12)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, deadline.Token);
            if (n == 0)
            {
                return 0;
            }
            received += n;
        }
        var statusLine = Encoding.ASCII.GetString(buffer, 0, received);
        return int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends the bytes and reads until the server closes, returning the text split at each status line.</summary>
    /// <param name="endSending">Closes the sending side after the bytes: whatever the request still promised never comes.</param>
    public static async Task<List<string>> ResponsesAsync(Uri server, string request, TimeSpan? timeout = null, bool endSending = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
        if (endSending)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        var text = new StringBuilder();
        var buffer = new byte[8192];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString().Split("HTTP/1.1 ", StringSplitOptions.RemoveEmptyEntries).Select(part => "HTTP/1.1 " + part).ToList();
    }
}
