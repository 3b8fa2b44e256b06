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

    private readonly Stack<Http1Connection> _idle = new();
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
            return takeIdle && _idle.TryPop(out var connection) ? connection : null;
        }
    }

    /// <summary>Within a rental: another idle connection, when the one <see cref="Rent"/> gave turned out to be closed.</summary>
    public Http1Connection? TakeAnotherIdle()
    {
        lock (_idle)
        {
            return _idle.TryPop(out var connection) ? connection : null;
        }
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
                _idle.Push(connection);
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
        List<Http1Connection>? stale = null;
        bool retire;
        lock (_idle)
        {
            if (_idle.Count > 0 && _idle.Peek().IdleSinceMs >= idleBeforeMs)
            {
                // The newest is fresh; keep the fresh ones and close those below them that are not.
                var keep = new List<Http1Connection>();
                while (_idle.TryPop(out var connection))
                {
                    if (connection.IdleSinceMs >= idleBeforeMs)
                    {
                        keep.Add(connection);
                    }
                    else
                    {
                        (stale ??= []).Add(connection);
                    }
                }
                for (var i = keep.Count - 1; i >= 0; i--)
                {
                    _idle.Push(keep[i]);
                }
            }
            else
            {
                while (_idle.TryPop(out var connection))
                {
                    (stale ??= []).Add(connection);
                }
            }
            retire = _idle.Count == 0 && _rented == 0 && _lastActivityMs < idleBeforeMs;
            _retired |= retire;
        }
        stale?.ForEach(c => c.Dispose());
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
            while (_idle.TryPop(out var connection))
            {
                connection.Dispose();
            }
        }
    }
}
