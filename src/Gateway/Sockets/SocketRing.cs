using System.Buffers;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// An event loop's io_uring, used for one thing: the receives and sends its sockets make in a batch of events
/// go to the kernel together, in one io_uring_enter, rather than one recv() or send() each. On the VMs this
/// project is measured on, a syscall's entry and exit cost more than the call itself, and a proxied request
/// made about two (its request out, its answer in); a batch carries tens of requests.
///
/// The calls keep recv()'s and send()'s meaning: non-blocking (MSG_DONTWAIT: EAGAIN comes back, the kernel
/// does not wait), so a socket that is drained or full waits for the loop's next edge exactly as before, and
/// every call queued is complete, one way or another, before <see cref="Flush"/> returns.
/// </summary>
internal sealed unsafe class SocketRing : IDisposable
{
    /// <summary>Set to 0 to make every call with recv() and send(), for A/B runs (docs/performance.md).</summary>
    public const string Switch = "MESH_GATEWAY_IO_URING";

    private const uint Entries = 256;
    private const int SqeSize = 64;
    private const int CqeSize = 16;
    private const byte OpSend = 26;
    private const byte OpReceive = 27;
    private const uint EnterGetEvents = 1;
    private const uint FeatureSingleMmap = 1;
    private const long OffsetSqRing = 0;
    private const long OffsetCqRing = 0x8000000;
    private const long OffsetSqes = 0x10000000;

    /// <summary>What a socket is told when the ring could not make its call: make it with recv() or send().</summary>
    public const int NotMade = int.MinValue;

    private readonly int _fd;
    private readonly byte* _sqRing;
    private readonly nuint _sqRingSize;
    private readonly byte* _cqRing;
    private readonly nuint _cqRingSize;
    private readonly byte* _sqes;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint* _sqArray;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;

    private readonly List<(PolledSocket Socket, bool Receive)> _queued = [];
    private readonly (PolledSocket Socket, bool Receive)[] _batch = new (PolledSocket, bool)[Entries];
    private readonly MemoryHandle[] _pins = new MemoryHandle[Entries];
    private readonly bool[] _referenced = new bool[Entries];
    private readonly int[] _results = new int[Entries];
    private bool _broken;

    private SocketRing(int fd, byte* sqRing, nuint sqRingSize, byte* cqRing, nuint cqRingSize, byte* sqes, byte* parameters)
    {
        _fd = fd;
        _sqRing = sqRing;
        _sqRingSize = sqRingSize;
        _cqRing = cqRing;
        _cqRingSize = cqRingSize;
        _sqes = sqes;
        var sq = parameters + 40; // io_sqring_offsets
        var cq = parameters + 80; // io_cqring_offsets
        _sqTail = (uint*)(sqRing + *(uint*)(sq + 4));
        _sqMask = *(uint*)(sqRing + *(uint*)(sq + 8));
        _sqArray = (uint*)(sqRing + *(uint*)(sq + 24));
        _cqHead = (uint*)(cqRing + *(uint*)cq);
        _cqTail = (uint*)(cqRing + *(uint*)(cq + 4));
        _cqMask = *(uint*)(cqRing + *(uint*)(cq + 8));
        _cqes = cqRing + *(uint*)(cq + 20);
    }

    /// <summary>
    /// A ring for the calling loop, or null where io_uring is missing or refused (an old kernel, a seccomp
    /// profile that forbids it, <see cref="Switch"/> set to 0): the loop then calls recv() and send().
    /// </summary>
    public static SocketRing? TryCreate()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Switch) == "0")
        {
            return null;
        }
        var parameters = stackalloc byte[120];
        new Span<byte>(parameters, 120).Clear();
        var fd = (int)LibC.IoUringSetup(Entries, parameters);
        if (fd < 0)
        {
            Console.Error.WriteLine($"event loop: no io_uring (errno {Marshal.GetLastPInvokeError()}); each call is a syscall of its own");
            return null;
        }
        var sq = parameters + 40;
        var cq = parameters + 80;
        var sqEntries = *(uint*)parameters;
        var cqEntries = *(uint*)(parameters + 4);
        var sqRingSize = (nuint)(*(uint*)(sq + 24) + sqEntries * sizeof(uint));
        var cqRingSize = (nuint)(*(uint*)(cq + 20) + cqEntries * CqeSize);
        var single = (*(uint*)(parameters + 20) & FeatureSingleMmap) != 0;
        if (single)
        {
            sqRingSize = cqRingSize = Math.Max(sqRingSize, cqRingSize);
        }
        var sqRing = LibC.MapShared(sqRingSize, fd, OffsetSqRing);
        var cqRing = sqRing is null ? null : single ? sqRing : LibC.MapShared(cqRingSize, fd, OffsetCqRing);
        var sqes = cqRing is null ? null : LibC.MapShared((nuint)(sqEntries * SqeSize), fd, OffsetSqes);
        if (sqes is null || sqEntries < Entries)
        {
            Unmap(sqRing, sqRingSize, cqRing, cqRingSize, sqes, sqEntries);
            LibC.Close(fd);
            return null;
        }
        return new SocketRing(fd, sqRing, sqRingSize, cqRing, cqRingSize, sqes, parameters);
    }

    /// <summary>
    /// Takes <paramref name="socket"/>'s receive (into its buffer) or send (of what it has left) for the next
    /// <see cref="Flush"/>; on the ring's loop thread only.
    /// </summary>
    public bool TryQueue(PolledSocket socket, bool receive)
    {
        if (_broken)
        {
            return false;
        }
        _queued.Add((socket, receive));
        return true;
    }

    /// <summary>
    /// Makes every call queued so far, in batches of up to <see cref="Entries"/>, and tells each socket how it went.
    /// False when there was nothing to do. Calls queued by the continuations it runs wait for the next Flush.
    /// </summary>
    public bool Flush()
    {
        if (_queued.Count == 0)
        {
            return false;
        }
        var count = Math.Min(_queued.Count, (int)Entries);
        _queued.CopyTo(0, _batch, 0, count);
        _queued.RemoveRange(0, count);
        var submitted = Submit(count);
        // Every completion is in: the kernel is done with the batch's buffers and descriptors. Let go of them
        // all before telling anyone, since what one socket's continuation does may dispose another of the
        // batch, and a socket's Dispose waits for every reference to its handle to go.
        for (var i = 0; i < count; i++)
        {
            _pins[i].Dispose();
            _pins[i] = default;
            if (_referenced[i])
            {
                _referenced[i] = false;
                _batch[i].Socket.Socket.SafeHandle.DangerousRelease();
            }
        }
        for (var i = 0; i < count; i++)
        {
            var (socket, receive) = _batch[i];
            _batch[i] = default;
            var result = submitted ? _results[i] : NotMade;
            try
            {
                if (receive)
                {
                    socket.OnRingReceived(result);
                }
                else
                {
                    socket.OnRingSent(result);
                }
            }
            catch (Exception e)
            {
                EventLoop.Unhandled(e);
            }
        }
        return true;
    }

    /// <summary>Writes the batch's entries, enters once, and reaps every completion; false if the ring failed.</summary>
    private bool Submit(int count)
    {
        var tail = *_sqTail;
        var entries = 0u;
        for (var i = 0; i < count; i++)
        {
            var (socket, receive) = _batch[i];
            _results[i] = -LibC.EBADF;
            try
            {
                socket.Socket.SafeHandle.DangerousAddRef(ref _referenced[i]); // Held so that a Dispose elsewhere cannot close the number under the kernel.
            }
            catch (ObjectDisposedException)
            {
                continue; // Closed already: told EBADF, as send() would say.
            }
            var length = receive ? socket.QueuedReceive.Length : socket.QueuedSend.Length;
            _pins[i] = receive ? socket.QueuedReceive.Pin() : socket.QueuedSend.Pin();
            var index = tail & _sqMask;
            var sqe = _sqes + index * SqeSize;
            new Span<byte>(sqe, SqeSize).Clear();
            sqe[0] = receive ? OpReceive : OpSend;
            *(int*)(sqe + 4) = socket.Descriptor;
            *(ulong*)(sqe + 16) = (ulong)_pins[i].Pointer;
            *(uint*)(sqe + 24) = (uint)length;
            *(int*)(sqe + 28) = receive ? LibC.MsgDontWait : LibC.MsgNoSignal | LibC.MsgDontWait;
            *(ulong*)(sqe + 32) = (ulong)i;
            _sqArray[index] = index;
            tail++;
            entries++;
        }
        if (entries == 0)
        {
            return true;
        }
        Volatile.Write(ref *_sqTail, tail);
        var reaped = 0u;
        var unsubmitted = entries;
        while (reaped < entries)
        {
            // Waits only for what the kernel has taken: one that took fewer than offered returns at once, and
            // the rest are offered again.
            var result = LibC.IoUringEnter(_fd, unsubmitted, entries - reaped, EnterGetEvents);
            if (result < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LibC.EINTR && unsubmitted == entries)
                {
                    // Nothing was taken: take the entries back, and make each call without the ring from now on.
                    Volatile.Write(ref *_sqTail, tail - entries);
                    _broken = true;
                    Console.Error.WriteLine($"event loop: io_uring_enter failed (errno {errno}); each call is a syscall of its own from now on");
                    return false;
                }
                if (errno != LibC.EINTR)
                {
                    Environment.FailFast($"io_uring_enter failed with calls in flight: errno {errno}");
                }
            }
            else
            {
                unsubmitted -= (uint)result;
            }
            reaped += Reap();
        }
        return true;
    }

    private uint Reap()
    {
        var head = *_cqHead;
        var tail = Volatile.Read(ref *_cqTail);
        var reaped = tail - head;
        for (; head != tail; head++)
        {
            var cqe = _cqes + (head & _cqMask) * CqeSize;
            _results[(int)*(ulong*)cqe] = *(int*)(cqe + 8);
        }
        Volatile.Write(ref *_cqHead, head);
        return reaped;
    }

    public void Dispose()
    {
        Unmap(_sqRing, _sqRingSize, _cqRing, _cqRingSize, _sqes, Entries);
        LibC.Close(_fd);
    }

    private static void Unmap(byte* sqRing, nuint sqRingSize, byte* cqRing, nuint cqRingSize, byte* sqes, uint sqEntries)
    {
        if (sqes is not null)
        {
            LibC.Unmap(sqes, (nuint)(sqEntries * SqeSize));
        }
        if (cqRing is not null && cqRing != sqRing)
        {
            LibC.Unmap(cqRing, cqRingSize);
        }
        if (sqRing is not null)
        {
            LibC.Unmap(sqRing, sqRingSize);
        }
    }
}
