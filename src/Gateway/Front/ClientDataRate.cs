namespace Mesh.Gateway.Front;

/// <summary>
/// Kestrel's minimum data rate, for one direction of a lean connection: once the gateway has waited on
/// the client for more than a grace period, the bytes moved must average 240 a second of that waiting,
/// or the connection is cut. It stops a client that trickles a body, or reads an answer a byte at a
/// time, from holding an upstream connection (and memory) for as long as it likes.
/// </summary>
internal sealed class ClientDataRate
{
    private const long GraceMilliseconds = 5000;
    private const long BytesPerSecond = 240;

    private readonly Lock _sync = new(); // The sweeper reads what the connection's thread writes.
    private long _waitingSince;
    private long _waitedMilliseconds;
    private long _bytes;

    public void Reset()
    {
        lock (_sync)
        {
            _waitingSince = 0;
            _waitedMilliseconds = 0;
            _bytes = 0;
        }
    }

    /// <summary>
    /// An operation on the client did not complete at once: the gateway waits from now, or from when it
    /// began waiting already (waking to find nothing to do does not start the wait anew).
    /// </summary>
    public void Waiting()
    {
        lock (_sync)
        {
            if (_waitingSince == 0)
            {
                _waitingSince = Math.Max(1, Environment.TickCount64);
            }
        }
    }

    /// <summary>The operation completed, having moved <paramref name="bytes"/>.</summary>
    public void Moved(int bytes)
    {
        lock (_sync)
        {
            if (_waitingSince != 0)
            {
                _waitedMilliseconds += Environment.TickCount64 - _waitingSince;
                _waitingSince = 0;
            }
            _bytes += bytes;
        }
    }

    /// <summary>Whether the client is below the rate, counting the wait in progress (read by the sweeper).</summary>
    public bool TooSlow(long now)
    {
        lock (_sync)
        {
            if (_waitingSince == 0)
            {
                return false;
            }
            var waited = _waitedMilliseconds + (now - _waitingSince);
            return waited > GraceMilliseconds && _bytes * 1000 < BytesPerSecond * waited;
        }
    }
}
