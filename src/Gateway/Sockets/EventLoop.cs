using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// One thread waiting on its own epoll set, the way HAProxy's threads do. .NET's socket engine tries every
/// receive before it waits for readiness, and the answer to a request just sent is never there yet: about
/// 1.8 receives per proxied HTTP/1.1 request came back empty (EAGAIN). Here a socket is read only once
/// epoll said it is readable, and a read that filled less than its buffer drained it (Linux raises a new
/// edge for every arrival), so a receive that would find nothing waits without a syscall.
///
/// The loop also marks the end of each batch of events, which .NET's engine does not expose: work queued with
/// <see cref="AtEndOfBatch"/> runs then, so answers finishing in one batch are written together.
/// </summary>
internal sealed unsafe class EventLoop
{
    private const int MaxEvents = 256;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<(Action<object?> Work, object? State)> _posted = new();
    private readonly List<IEndOfBatch> _atEnd = [];
    private int _wakePending;

    public EventLoop(int index)
    {
        _epoll = LibC.EpollCreate(LibC.EpollCloexec);
        if (_epoll < 0)
        {
            throw SocketErrors.From(Marshal.GetLastPInvokeError());
        }
        _wake = LibC.EventFd(0, LibC.EfdCloexec | LibC.EfdNonBlock);
        var error = _wake < 0 ? Marshal.GetLastPInvokeError()
            : LibC.Control(_epoll, LibC.EpollCtlAdd, _wake, LibC.EpollIn | LibC.EpollEdgeTriggered, 0);
        if (error != 0)
        {
            LibC.Close(_epoll);
            if (_wake >= 0)
            {
                LibC.Close(_wake);
            }
            throw SocketErrors.From(error);
        }
        new Thread(Run) { IsBackground = true, Name = $"mesh loop {index}" }.Start();
    }

    /// <summary>The loop whose thread this is, or null off the loops.</summary>
    public static EventLoop? Current => t_current;

    /// <summary>Where this loop's receives and sends go to be made together; null where there is no io_uring.</summary>
    public SocketRing? Ring { get; private set; }

    /// <summary>Watches <paramref name="fd"/> for both directions, edge-triggered; events go to <paramref name="handle"/>'s target.</summary>
    public int Add(int fd, GCHandle handle) =>
        LibC.Control(_epoll, LibC.EpollCtlAdd, fd,
            LibC.EpollIn | LibC.EpollPri | LibC.EpollOut | LibC.EpollRdHup | LibC.EpollEdgeTriggered, (ulong)GCHandle.ToIntPtr(handle));

    /// <summary>
    /// Watches a listening <paramref name="fd"/> for arrivals, level-triggered and exclusive (one loop woken for
    /// each when several watch it); events go to <paramref name="handle"/>'s <see cref="PolledListener"/>.
    /// </summary>
    public int AddListener(int fd, GCHandle handle) =>
        LibC.Control(_epoll, LibC.EpollCtlAdd, fd, LibC.EpollIn | LibC.EpollExclusive, (ulong)GCHandle.ToIntPtr(handle));

    /// <summary>Stops watching <paramref name="fd"/>, keeping its handle (the batch in hand may still name it).</summary>
    public int Unwatch(int fd) => LibC.Control(_epoll, LibC.EpollCtlDel, fd, 0, 0);

    /// <summary>Stops watching <paramref name="fd"/>. Its handle is freed after the batch in hand, which may still name it.</summary>
    public void Remove(int fd, GCHandle handle)
    {
        LibC.Control(_epoll, LibC.EpollCtlDel, fd, 0, 0);
        Post(static state => GCHandle.FromIntPtr((nint)state!).Free(), GCHandle.ToIntPtr(handle));
    }

    /// <summary>Runs <paramref name="work"/> on this loop's thread, after the events it is handling.</summary>
    public void Post(Action<object?> work, object? state)
    {
        _posted.Enqueue((work, state));
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            LibC.Write(_wake, (byte*)&one, sizeof(ulong));
        }
    }

    /// <summary>Runs <paramref name="work"/> when this batch of events is handled; call on this loop's thread only.</summary>
    public void AtEndOfBatch(IEndOfBatch work)
    {
        Debug.Assert(t_current == this);
        _atEnd.Add(work);
    }

    private void Run()
    {
        t_current = this;
        Ring = SocketRing.TryCreate(); // Made here: the ring is only ever entered from this thread.
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * LibC.EpollEventSize));
        while (true)
        {
            var count = LibC.EpollWait(_epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }
                Environment.FailFast($"epoll_wait failed: errno {errno}");
            }
            Dispatch(events, count);
            RunPosted();
            RunEndOfBatch();
        }
    }

    // A method of its own, not the body of Run's loop: Run is entered once and so only ever runs as
    // on-stack-replacement code, which the JIT optimizes less than a method called per batch.
    private void Dispatch(byte* events, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var ev = events + i * LibC.EpollEventSize;
            var data = *(nint*)(ev + LibC.EpollEventDataOffset);
            if (data == 0)
            {
                ulong ignored;
                LibC.Read(_wake, (byte*)&ignored, sizeof(ulong));
                continue;
            }
            try
            {
                var target = GCHandle.FromIntPtr(data).Target;
                if (target is PolledSocket socket)
                {
                    socket.OnEvents(*(uint*)ev);
                }
                else
                {
                    ((PolledListener)target!).OnReadable();
                }
            }
            catch (Exception e)
            {
                Unhandled(e);
            }
        }
    }

    private void RunPosted()
    {
        // A full fence, not a plain write: the queue must be read after the flag is cleared, or a Post
        // that saw the flag still set (and so wrote no wake-up) could leave its work stranded.
        if (Volatile.Read(ref _wakePending) == 0 || Interlocked.Exchange(ref _wakePending, 0) == 0)
        {
            return;
        }
        while (_posted.TryDequeue(out var item))
        {
            try
            {
                item.Work(item.State);
            }
            catch (Exception e)
            {
                Unhandled(e);
            }
        }
    }

    private void RunEndOfBatch()
    {
        // Work run here may queue more for this same batch's end (a flush that completes a send whose
        // continuation writes again): index rather than enumerate. Then the ring makes the calls the batch
        // queued (the receives its events resumed, the sends its answers made), and what their continuations
        // queue runs in turn, until nothing is left before the next wait.
        var i = 0;
        do
        {
            for (; i < _atEnd.Count; i++)
            {
                try
                {
                    _atEnd[i].EndOfBatch();
                }
                catch (Exception e)
                {
                    Unhandled(e);
                }
            }
        }
        while (Ring is { } ring && ring.Flush());
        _atEnd.Clear();
    }

    /// <summary>Continuations run here catch their own faults; anything else must not end the loop every socket on it needs.</summary>
    internal static void Unhandled(Exception e) => Console.Error.WriteLine($"event loop: unhandled {e}");
}

/// <summary>Work that waits for the end of an event loop's batch.</summary>
internal interface IEndOfBatch
{
    void EndOfBatch();
}
