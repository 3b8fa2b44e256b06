using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// connect() on a non-blocking socket, called directly: .NET's own would register the socket with its
/// socket engine, whose thread would then wake for every event on it beside the gateway's loop.
/// </summary>
internal static unsafe class NativeConnect
{
    /// <summary>True when connected at once; false when the connection is under way (wait for writable, then read SO_ERROR).</summary>
    public static bool Start(Socket socket, IPEndPoint endpoint)
    {
        var address = stackalloc byte[28];
        var length = Write(endpoint, new Span<byte>(address, 28));
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (LibC.Connect((int)handle.DangerousGetHandle(), address, length) == 0)
            {
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno is LibC.EINPROGRESS or LibC.EINTR)
            {
                return false; // Under way; an interrupted connect() goes on too, and calling it again would be EALREADY.
            }
            throw SocketErrors.From(errno);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Lays out sockaddr_in or sockaddr_in6; returns its length.</summary>
    private static int Write(IPEndPoint endpoint, Span<byte> into)
    {
        into.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(into[2..], (ushort)endpoint.Port);
        if (endpoint.AddressFamily == AddressFamily.InterNetwork)
        {
            BitConverter.TryWriteBytes(into, (ushort)LibC.AfInet);
            endpoint.Address.TryWriteBytes(into[4..], out _);
            return 16;
        }
        BitConverter.TryWriteBytes(into, (ushort)LibC.AfInet6);
        endpoint.Address.TryWriteBytes(into[8..], out _);
        BitConverter.TryWriteBytes(into[24..], (uint)endpoint.Address.ScopeId);
        return 28;
    }
}
