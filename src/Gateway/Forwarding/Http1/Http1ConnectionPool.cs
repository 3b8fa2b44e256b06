using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The idle connections to one endpoint, most recently used first (warm sockets, and the cold ones age
/// out). Once retired by the sweep it takes nothing back, so a connection is never stranded in a pool
/// that is no longer listed.
/// </summary>
internal sealed class Http1ConnectionPool
{
    /// <summary>Idle connections kept per endpoint; more than this are closed when handed back.</summary>
    public const int MaxIdle = 1024;

    /// <summary>How far below the top a rental looks for a connection on its own event loop.</summary>
    private const int LoopSearchDepth = 8;

    // A stack with its top at the end: a rental may take one a little below the top.
    private readonly List<Http1Connection> _idle = [];
    private long _lastActivityMs = Environment.TickCount64;
    private int _rented;
    private bool _retired;

    /// <summary>
    /// Starts a rental: an idle connection when <paramref name="takeIdle"/> and there is one, else null
    /// (the caller opens one). Nothing is rented from a retired pool, which must be looked up again.
    /// </summary>
    public Http1Connection? Rent(bool takeIdle, out bool retired)
    {
        lock (_idle)
        {
            retired = _retired;
            _lastActivityMs = Environment.TickCount64;
            if (retired)
            {
                return null;
            }
            _rented++;
            return takeIdle ? TakeIdle() : null;
        }
    }

    /// <summary>Within a rental: another idle connection, when the one <see cref="Rent"/> gave turned out to be closed.</summary>
    public Http1Connection? TakeAnotherIdle()
    {
        lock (_idle)
        {
            return TakeIdle();
        }
    }

    /// <summary>
    /// The most recently used idle connection on this thread's event loop, if one is near the top, else the
    /// top one. Its answer then completes on the loop the request runs on, so the request stays on one
    /// thread, as HAProxy keeps idle server connections per thread. Under the lock.
    /// </summary>
    private Http1Connection? TakeIdle()
    {
        if (_idle.Count == 0)
        {
            return null;
        }
        var take = _idle.Count - 1;
        if (EventLoop.Current is { } loop)
        {
            for (var i = take; i >= 0 && i >= _idle.Count - LoopSearchDepth; i--)
            {
                if (_idle[i].Loop == loop)
                {
                    take = i;
                    break;
                }
            }
        }
        var connection = _idle[take];
        _idle.RemoveAt(take);
        return connection;
    }

    /// <summary>Ends a rental; a reusable connection goes back to the idle stack, any other is closed.</summary>
    public void Return(Http1Connection? connection, bool reusable)
    {
        // Watched before another rental can see it, so that no two receives are ever posted at once.
        reusable = reusable && connection is not null && connection.StartWatching();
        lock (_idle)
        {
            _rented--;
            _lastActivityMs = Environment.TickCount64;
            if (connection is not null && reusable && !_retired && _idle.Count < MaxIdle)
            {
                connection.IdleSinceMs = _lastActivityMs;
                _idle.Add(connection);
                return;
            }
        }
        connection?.Dispose();
    }

    /// <summary>
    /// Closes connections idle since before <paramref name="idleBeforeMs"/>; returns true when the pool
    /// has been retired (empty, nothing rented, no activity since then) and can be dropped.
    /// </summary>
    public bool Sweep(long idleBeforeMs)
    {
        List<Http1Connection> stale;
        bool retire;
        lock (_idle)
        {
            // Those idle since before the cut are closed. Rentals take from near the top, so the order
            // is only roughly by age: look at every one.
            stale = _idle.FindAll(c => c.IdleSinceMs < idleBeforeMs);
            _idle.RemoveAll(c => c.IdleSinceMs < idleBeforeMs);
            retire = _idle.Count == 0 && _rented == 0 && _lastActivityMs < idleBeforeMs;
            _retired |= retire;
        }
        stale.ForEach(c => c.Dispose());
        return retire;
    }

    /// <summary>Idle connections now, for tests and diagnostics.</summary>
    public int IdleCount
    {
        get
        {
            lock (_idle)
            {
                return _idle.Count;
            }
        }
    }

    public void Close()
    {
        lock (_idle)
        {
            _retired = true;
            _idle.ForEach(c => c.Dispose());
            _idle.Clear();
        }
    }
}
