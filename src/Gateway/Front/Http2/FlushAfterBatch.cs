using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// Holds back the flushes a socket thread makes while it handles one batch of socket events, and makes
/// them when the batch is done, so answers to one client that finish in the same batch leave in one
/// write. On loopback benchmarks every write to a client also wakes it: HAProxy, which flushes once per
/// turn of its event loop, wrote 0.2 times per h2c request where the gateway wrote once per answer.
///
/// .NET offers no hook at the end of a batch, so each socket thread gets a kick: a UDP socket connected to
/// itself whose events that same thread handles. The first flush held back sends it one byte; the thread
/// reads it after the events it is handling now, and flushes then. Which thread handles a socket is the
/// runtime's choice, so kicks are made until each socket thread has its own; a flush on any other thread
/// (the thread pool, or before the kicks are found) is made at once.
/// </summary>
internal static class FlushAfterBatch
{
    private const int MaxAttempts = 16;

    private static readonly ConcurrentDictionary<int, Kick> Kicks = new();
    private static int _started;

    /// <summary>Defers <paramref name="output"/>'s flush to the end of this thread's batch; false when this thread cannot (flush now).</summary>
    public static bool TryDefer(Http2Output output)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = FindKicksAsync();
        }
        if (Thread.CurrentThread.IsThreadPoolThread || !Kicks.TryGetValue(Environment.CurrentManagedThreadId, out var kick))
        {
            return false;
        }
        return kick.Add(output);
    }

    private static async Task FindKicksAsync()
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var kick = new Kick();
            var thread = await kick.StartAsync().ConfigureAwait(false);
            if (thread is not { } id || !Kicks.TryAdd(id, kick))
            {
                kick.Dispose(); // A thread that has one already, or not a socket thread.
            }
        }
    }

    /// <summary>One socket thread's kick and the flushes held back for it.</summary>
    private sealed class Kick : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly byte[] _one = [1];
        private readonly byte[] _received = new byte[16];
        private readonly Lock _sync = new();
        private List<Http2Output> _held = [];
        private List<Http2Output> _flushing = [];
        private bool _kicked;
        private bool _dead;
        private readonly TaskCompletionSource<int?> _firstThread = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Kicks itself once; the thread its kick is read on, when a socket thread.</summary>
        public async Task<int?> StartAsync()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Connect(_socket.LocalEndPoint!);
            _ = ReadKicksAsync();
            _socket.Send(_one);
            return await _firstThread.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        /// <summary>Holds the flush back; false when this kick no longer works (flush now).</summary>
        public bool Add(Http2Output output)
        {
            bool kick;
            lock (_sync)
            {
                if (_dead)
                {
                    return false;
                }
                if (output.FlushHeld)
                {
                    return true;
                }
                output.FlushHeld = true;
                _held.Add(output);
                kick = !_kicked;
                _kicked = true;
            }
            if (kick)
            {
                try
                {
                    _socket.Send(_one);
                }
                catch (SocketException)
                {
                    FlushHeld();
                }
            }
            return true;
        }

        private async Task ReadKicksAsync()
        {
            var first = true;
            try
            {
                while (true)
                {
                    await _socket.ReceiveAsync(_received, SocketFlags.None).ConfigureAwait(false);
                    if (first)
                    {
                        first = false;
                        _firstThread.TrySetResult(Thread.CurrentThread.IsThreadPoolThread ? null : Environment.CurrentManagedThreadId);
                        continue;
                    }
                    FlushHeld();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // A kick that stopped working must not hold flushes: the thread flushes at once from now on.
                lock (_sync)
                {
                    _dead = true;
                }
                foreach (var (thread, kick) in Kicks)
                {
                    if (kick == this)
                    {
                        Kicks.TryRemove(thread, out _);
                    }
                }
                _firstThread.TrySetResult(null);
                FlushHeld();
            }
        }

        private void FlushHeld()
        {
            lock (_sync)
            {
                (_held, _flushing) = (_flushing, _held);
                _kicked = false;
            }
            foreach (var output in _flushing)
            {
                output.FlushHeld = false;
                output.FlushInBackground();
            }
            _flushing.Clear();
        }

        public void Dispose() => _socket.Dispose();
    }
}
