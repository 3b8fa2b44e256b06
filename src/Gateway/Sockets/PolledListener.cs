using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Sockets;

/// <summary>
/// A listening socket in every event loop's epoll set, as HAProxy's threads share theirs: the loop an arrival
/// wakes accepts it, so a new connection starts on the thread that serves it. Accepted by .NET's engine
/// instead, each one woke that engine's thread first (docs/performance.md). Level-triggered and exclusive:
/// one loop is woken per arrival, and takes one connection per wake.
/// </summary>
internal sealed class PolledListener : IDisposable
{
    /// <summary>A failing accept (out of file descriptors, say) pauses accepting this long, rather than spinning on it; .NET's accept loop waits as long.</summary>
    public static readonly TimeSpan PauseAfterFailure = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly Action<Socket> _accepted;
    private readonly Action<SocketException> _failed;
    private readonly List<(EventLoop Loop, GCHandle Handle)> _watches = [];
    private readonly Lock _sync = new();
    private bool _paused;
    private bool _disposed;

    /// <param name="accepted">Takes each accepted connection, on the loop that accepted it.</param>
    /// <param name="failed">Told of an accept that failed for a reason other than the client's reset.</param>
    public PolledListener(Socket listening, Action<Socket> accepted, Action<SocketException> failed)
    {
        ArgumentNullException.ThrowIfNull(listening);
        _socket = listening;
        _accepted = accepted;
        _failed = failed;
        listening.Blocking = false;
        _fd = (int)listening.SafeHandle.DangerousGetHandle();
        try
        {
            foreach (var loop in EventLoops.All())
            {
                var handle = GCHandle.Alloc(this);
                _watches.Add((loop, handle));
                var error = loop.AddListener(_fd, handle);
                if (error != 0)
                {
                    throw SocketErrors.From(error);
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A loop's epoll found a connection waiting: accepted here, on that loop's thread.</summary>
    internal void OnReadable()
    {
        Socket client;
        try
        {
            client = _socket.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionReset
                                            or SocketError.ConnectionAborted or SocketError.Interrupted)
        {
            return; // Another loop took it, or the client gave up first; level-triggered, a waiting one wakes a loop again.
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted)
        {
            return; // Closed under the accept: the listener is stopping.
        }
        catch (ObjectDisposedException)
        {
            return; // Closing.
        }
        catch (SocketException e)
        {
            _failed(e);
            Pause();
            return;
        }
        _accepted(client);
    }

    private void Pause()
    {
        lock (_sync)
        {
            if (_paused || _disposed)
            {
                return;
            }
            _paused = true;
            foreach (var (loop, _) in _watches)
            {
                loop.Unwatch(_fd);
            }
        }
        _ = ResumeAsync();
    }

    private async Task ResumeAsync()
    {
        await Task.Delay(PauseAfterFailure).ConfigureAwait(false);
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
            _paused = false;
            foreach (var (loop, handle) in _watches)
            {
                loop.AddListener(_fd, handle);
            }
        }
    }

    /// <summary>Stops every loop watching; the socket itself is its owner's to close.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var (loop, handle) in _watches)
            {
                loop.Remove(_fd, handle); // Each handle is freed after its loop's batch in hand.
            }
        }
    }
}
