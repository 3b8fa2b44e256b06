using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// The Linux calls the event loops make themselves: epoll, eventfd, and the socket calls on a ready descriptor.
/// </summary>
/// <remarks>
/// The calls made per request (recv, send, epoll_ctl, and read/write on the non-blocking eventfd) never block,
/// so they skip the GC transition: its stub, and the thread lookups it makes in libcoreclr, were about 5% of
/// the gateway's CPU over h2c (docs/performance.md). They also skip SetLastError's save and restore; a caller
/// reads errno with <see cref="Marshal.GetLastSystemError"/> at once, only after a call failed. A GC poll may
/// run between the two, and waits for a GC the way every return from a P/Invoke does, keeping the thread's
/// last error (errno, on Linux) as it found it. Calls that may wait (epoll_wait, close, connect) keep the
/// transition, so that a GC never waits for them.
/// </remarks>
internal static unsafe partial class LibC
{
    public const int EpollCloexec = 0x80000;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;

    public const uint EpollIn = 0x001;
    public const uint EpollPri = 0x002;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollEdgeTriggered = 1u << 31;
    public const uint EpollExclusive = 1u << 28;

    public const int EfdCloexec = 0x80000;
    public const int EfdNonBlock = 0x800;

    public const int MsgPeek = 0x2;
    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;

    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;

    public const int AfInet = 2;
    public const int AfInet6 = 10;

    /// <summary>x86-64 packs epoll_event to 12 bytes; other architectures align its 64-bit data to 8.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EpollEventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl")]
    [SuppressGCTransition]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    [SuppressGCTransition]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write")]
    [SuppressGCTransition]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "recv")]
    [SuppressGCTransition]
    public static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send")]
    [SuppressGCTransition]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d, long e);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Unmap(byte* address, nuint length);

    /// <summary>io_uring_setup(2): glibc has no wrapper for it.</summary>
    public static long IoUringSetup(uint entries, byte* parameters) => Syscall(425, entries, (long)parameters, 0, 0, 0);

    /// <summary>io_uring_enter(2) without a signal mask: the count submitted, or -1 with errno.</summary>
    public static int IoUringEnter(int fd, uint toSubmit, uint minComplete, uint flags) =>
        (int)Syscall(426, fd, toSubmit, minComplete, flags, 0);

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> shared, read-write and populated; null on failure.</summary>
    public static byte* MapShared(nuint length, int fd, long offset)
    {
        const int ReadWrite = 0x1 | 0x2, Shared = 0x01, Populate = 0x8000;
        var address = Mmap(0, length, ReadWrite, Shared | Populate, fd, offset);
        return address == -1 ? null : (byte*)address;
    }

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int addressLength);

    /// <summary>Adds or removes <paramref name="fd"/> on <paramref name="epfd"/>; the errno on failure, else 0.</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollEventDataOffset) = data;
        return EpollCtl(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastSystemError();
    }
}
