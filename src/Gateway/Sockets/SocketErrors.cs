using System.Net.Sockets;

namespace Mesh.Gateway.Sockets;

/// <summary>Linux errno values as the <see cref="SocketException"/>s .NET's own sockets throw for them.</summary>
internal static class SocketErrors
{
    public static SocketException From(int errno) => new((int)ToSocketError(errno));

    /// <summary>A call ended by closing its socket.</summary>
    public static SocketException Aborted() => new((int)SocketError.OperationAborted);

    public static SocketError ToSocketError(int errno) => errno switch
    {
        9 => SocketError.OperationAborted, // EBADF: closed under the call
        11 => SocketError.WouldBlock,
        13 => SocketError.AccessDenied,
        23 or 24 => SocketError.TooManyOpenSockets,
        32 => SocketError.Shutdown, // EPIPE
        90 => SocketError.MessageSize,
        98 => SocketError.AddressAlreadyInUse,
        99 => SocketError.AddressNotAvailable,
        100 => SocketError.NetworkDown,
        101 => SocketError.NetworkUnreachable,
        103 => SocketError.ConnectionAborted,
        104 => SocketError.ConnectionReset,
        105 => SocketError.NoBufferSpaceAvailable,
        106 => SocketError.IsConnected,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        111 => SocketError.ConnectionRefused,
        112 => SocketError.HostDown,
        113 => SocketError.HostUnreachable,
        114 => SocketError.AlreadyInProgress,
        115 => SocketError.InProgress,
        _ => SocketError.SocketError,
    };
}
