using System.Net.Sockets;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>Linux errno values become the SocketError .NET's own sockets report for them.</summary>
public sealed class SocketErrorsTests
{
    [Theory]
    [InlineData(9, SocketError.OperationAborted)] // EBADF: closed under the call.
    [InlineData(104, SocketError.ConnectionReset)]
    [InlineData(111, SocketError.ConnectionRefused)]
    [InlineData(110, SocketError.TimedOut)]
    [InlineData(113, SocketError.HostUnreachable)]
    [InlineData(24, SocketError.TooManyOpenSockets)]
    public void An_errno_maps_to_its_socket_error(int errno, SocketError expected)
    {
        Assert.Equal(expected, SocketErrors.From(errno).SocketErrorCode);
    }
}
