namespace Mesh.Gateway.Sockets;

/// <summary>
/// The gateway's event loops, each a thread of its own: by default one per two cores (<see cref="DefaultCount"/>),
/// else as many as <c>--event-loops</c> says.
/// </summary>
internal static class EventLoops
{
    private static readonly Lock Sync = new();
    private static readonly List<EventLoop> Made = [];
    private static EventLoop[]? _loops;
    private static int _next;
    private static int _count = DefaultCount(Environment.ProcessorCount);
    private static bool _configured;

    /// <summary>
    /// Half the cores, at least one. A node's proxy shares its cores with the workloads whose traffic it
    /// carries, and each request it passes on costs its client and its server at least as much again; on
    /// the 2-core test machine one loop served more requests per second than two, for less CPU each, over
    /// HTTP/1.1 and h2c alike, as fewer threads woke one another and slept less. Under a busy loop sharing
    /// the cores, two did better than one (docs/performance.md): the right count depends on contention.
    /// </summary>
    public static int DefaultCount(int processors) => Math.Max(1, processors / 2);

    /// <summary>
    /// Sets how many loops to run. The loops are process-wide, so the first count set (or the default, once
    /// a socket has joined a loop) holds: false when another count was set or is running already.
    /// </summary>
    public static bool Configure(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Sync)
        {
            if (_configured || Made.Count > 0)
            {
                return _count == count; // Set or started already (in tests, by an earlier gateway in the same process).
            }
            _count = count;
            _configured = true;
            return true;
        }
    }

    /// <summary>How many loops run: 0 before the first socket joins one.</summary>
    public static int Running => Volatile.Read(ref _loops)?.Length ?? 0;

    /// <summary>epoll is Linux's; elsewhere sockets go through .NET's own engine.</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// The loop a new socket joins: this thread's when it is a loop's (an upstream connection opened for a
    /// request on that loop then completes where the request runs), else the next in turn.
    /// </summary>
    public static EventLoop ForNewSocket()
    {
        if (EventLoop.Current is { } current)
        {
            return current;
        }
        var loops = Volatile.Read(ref _loops) ?? Start();
        return loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }

    /// <summary>Every loop, started if none is yet.</summary>
    public static IReadOnlyList<EventLoop> All() => Volatile.Read(ref _loops) ?? Start();

    /// <summary>
    /// Starts the loops at first use. A loop that cannot be made (no file descriptors left) fails this
    /// socket only: the next one tries again, keeping the loops made so far rather than leaking them.
    /// </summary>
    private static EventLoop[] Start()
    {
        lock (Sync)
        {
            while (_loops is null)
            {
                Made.Add(new EventLoop(Made.Count));
                if (Made.Count == _count)
                {
                    _loops = [.. Made];
                }
            }
            return _loops;
        }
    }
}
