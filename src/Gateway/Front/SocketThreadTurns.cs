using System.Diagnostics;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front;

/// <summary>
/// Lets a socket thread (an event loop, Sockets/) that has run for a while give its core to a sibling
/// waiting for it. The scheduler may put two busy event loops on one core; they then take turns only at its tick (4 ms),
/// and every connection of the loop that waits stalls that long. On 2026-12-06 that was most of the
/// saturated HTTP/1.1 latency tail: p99 7.5 ms, 3.1 ms with turns of 0.5 ms (docs/performance.md).
/// </summary>
internal static class SocketThreadTurns
{
    /// <summary>Half a millisecond: 100 and 200 µs did no better, and each end of a turn is a syscall.</summary>
    private static readonly long TurnTicks = Stopwatch.Frequency / 2000;

    [ThreadStatic]
    private static long t_turnStarted;

    /// <summary>
    /// Called between requests on a socket thread: once a turn is used up, yields the core (sched_yield,
    /// which returns at once when nothing else waits for it) and starts the next turn.
    /// </summary>
    public static void EndTurnIfLong()
    {
        if (EventLoop.Current is not null && EventLoops.Running == 1)
        {
            // A lone loop has no sibling to wait for it, and each yield handed its core to the load around
            // it instead: without turns one loop served 7% more HTTP/1.1 requests, for less CPU each (docs/performance.md).
            return;
        }
        var now = Stopwatch.GetTimestamp();
        if (now - t_turnStarted < TurnTicks)
        {
            return;
        }
        if (t_turnStarted != 0)
        {
            Thread.Yield();
            now = Stopwatch.GetTimestamp();
        }
        t_turnStarted = now;
    }
}
