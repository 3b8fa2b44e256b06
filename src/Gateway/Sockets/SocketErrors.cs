using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>Failures of the event loops' own socket calls, as the <see cref="SocketException"/>s .NET's sockets throw.</summary>
internal static class SocketErrors
{
    /// <summary>
    /// The exception for a Linux errno. On Unix a <see cref="SocketException"/> made without arguments reads
    /// the last P/Invoke error and maps it with the runtime's own table, so errno is handed over that way.
    /// </summary>
    public static SocketException From(int errno)
    {
        Marshal.SetLastPInvokeError(errno);
        return new SocketException();
    }

    /// <summary>A call ended by closing its socket.</summary>
    public static SocketException Aborted() => new((int)SocketError.OperationAborted);
}
