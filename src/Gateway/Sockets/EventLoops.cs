namespace Mesh.Gateway.Sockets;

/// <summary>The gateway's event loops: one per core, as .NET's socket engine and HAProxy have one thread per core.</summary>
internal static class EventLoops
{
    private static readonly Lock Sync = new();
    private static readonly List<EventLoop> Made = [];
    private static EventLoop[]? _loops;
    private static int _next;

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
                if (Made.Count == Environment.ProcessorCount)
                {
                    _loops = [.. Made];
                }
            }
            return _loops;
        }
    }
}
