using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Mesh.Gateway.Sockets;

namespace Mesh.Gateway.Front;

/// <summary>
/// A connection the lean front gave to Kestrel: the socket behind a pair of pipes, as Kestrel's own socket
/// transport has it, with the bytes the lean front had already read put back in front of the input.
/// </summary>
internal sealed class HandedOverConnection : ConnectionContext, IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature,
    IConnectionLifetimeFeature, IConnectionEndPointFeature, IMemoryPoolFeature
{

    private readonly PolledSocket _socket;
    private readonly byte[] _prefix;
    private readonly Action _closed;
    private readonly Func<bool> _stopping;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _connectionClosed = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _disposed;

    /// <param name="stopping">True once the gateway is stopping: a connection then closes without lingering.</param>
    public HandedOverConnection(PolledSocket socket, byte[] prefix, MemoryPool<byte> memoryPool, string id, Action closed, Func<bool> stopping)
    {
        MemoryPool = memoryPool;
        // Kestrel's defaults: MaxRequestBufferSize 1 MiB, MaxResponseBufferSize 64 KiB.
        _input = new Pipe(new PipeOptions(memoryPool, readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        // The send loop runs on the pool, as Kestrel's own runs on its send queue: what several HTTP/2 streams
        // write meanwhile goes out in one send rather than one each.
        _output = new Pipe(new PipeOptions(memoryPool, readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        _socket = socket;
        _prefix = prefix;
        _closed = closed;
        _stopping = stopping;
        ConnectionId = id;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        Features = new FeatureCollection();
        Features.Set<IConnectionIdFeature>(this);
        Features.Set<IConnectionTransportFeature>(this);
        Features.Set<IConnectionItemsFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IConnectionEndPointFeature>(this);
        Features.Set<IMemoryPoolFeature>(this);
    }

    public MemoryPool<byte> MemoryPool { get; }
    public override string ConnectionId { get; set; }
    public override IFeatureCollection Features { get; }
    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    public override IDuplexPipe Transport { get; set; }
    public override CancellationToken ConnectionClosed { get => _connectionClosed.Token; set => throw new NotSupportedException(); }
    public override EndPoint? LocalEndPoint { get; set; }
    public override EndPoint? RemoteEndPoint { get; set; }

    public void Start()
    {
        _sending = SendAsync(); // First: a receive that ends at once looks at it.
        _receiving = ReceiveAsync();
    }

    private async Task ReceiveAsync()
    {
        Exception? error = null;
        try
        {
            if (_prefix.Length > 0)
            {
                await _input.Writer.WriteAsync(_prefix).ConfigureAwait(false);
            }
            while (true)
            {
                var memory = _input.Writer.GetMemory(4096);
                var read = await _socket.ReceiveAsync(memory).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                _input.Writer.Advance(read);
                var flushed = await _input.Writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    // Kestrel reads no more: what the client still sends is dropped until it closes, so that the
                    // socket is never closed with bytes unread (see LingeringClose). DisposeAsync bounds the wait.
                    await LingeringClose.DropUntilClosedAsync(_socket).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            error = new ConnectionResetException(e.Message, e);
        }
        finally
        {
            await _input.Writer.CompleteAsync(error).ConfigureAwait(false);
            // A reset ends the connection. A FIN only ends what the client sends: a request it sent whole before still
            // gets its answer if it comes soon, as on the lean front (Kestrel's own transport takes the FIN for the client
            // going away and aborts at once), and Kestrel, finding no next request, ends the connection itself. A request
            // still running after that second is taken to have lost its client, as the lean front's sweeper takes it.
            if (error is not null)
            {
                CancelConnectionClosed();
            }
            else
            {
                _ = AbortUnlessDoneSoonAsync();
            }
        }
    }

    private async Task AbortUnlessDoneSoonAsync()
    {
        if (await Task.WhenAny(_sending, Task.Delay(TimeSpan.FromMilliseconds(LeanFrontListener.CheckClientAfterMilliseconds))).ConfigureAwait(false) != _sending)
        {
            CancelConnectionClosed();
        }
    }

    private async Task SendAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }
                foreach (var segment in result.Buffer)
                {
                    await _socket.SendAsync(segment).ConfigureAwait(false);
                }
                _output.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await _output.Reader.CompleteAsync().ConfigureAwait(false);
            // Kestrel is done writing: FIN after the last answer. The receive loop runs on until the client
            // closes too, or DisposeAsync gives up on it.
            ShutdownSending();
            CancelConnectionClosed();
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _output.Reader.CancelPendingRead();
        Shutdown();
    }

    private void ShutdownSending()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Shutdown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void CancelConnectionClosed()
    {
        try
        {
            _connectionClosed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        ShutdownSending();
        // Stopping, Kestrel closes idle keep-alive connections too, whose clients seldom close at once: no
        // answer is in flight there, and the stop should not wait on them.
        if (_stopping() || await Task.WhenAny(_receiving, Task.Delay(LingeringClose.MaxLinger)).ConfigureAwait(false) != _receiving)
        {
            Shutdown(); // The client neither closed nor stopped sending: end the receive, and the connection.
        }
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _connectionClosed.Dispose();
        _closed();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }
}
