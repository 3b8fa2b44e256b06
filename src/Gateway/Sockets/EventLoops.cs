namespace Mesh.Gateway.Sockets;

/// <summary>The gateway's event loops: one per core, as .NET's socket engine and HAProxy have one thread per core.</summary>
internal static class EventLoops
{
    private static readonly Lazy<EventLoop[]> Loops = new(() =>
        Enumerable.Range(0, Environment.ProcessorCount).Select(i => new EventLoop(i)).ToArray());

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
        var loops = Loops.Value;
        return loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }
}
