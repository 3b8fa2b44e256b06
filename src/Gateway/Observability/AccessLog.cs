using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Observability;

/// <summary>
/// The optional access log (<c>--access-log</c>): one JSON line per request, written off the request
/// path. A finished request only queues its entry; a background writer drains the queue in batches.
/// When the queue is full the entry is dropped and counted, so a slow disk or a stdout nobody reads
/// never slows or blocks a request. Off by default, and then a request pays one null check.
/// </summary>
public sealed class AccessLog : IAsyncDisposable
{
    public const int DefaultCapacity = 8192;

    /// <summary>Batches are written out at this size even while entries keep coming.</summary>
    private const int BatchBytes = 64 * 1024;

    private readonly Channel<AccessLogEntry>? _queue;
    private readonly TextWriter? _output;
    private readonly bool _ownsOutput;
    private readonly Counter _dropped;
    private readonly Task _writing = Task.CompletedTask;

    /// <param name="output">Where lines go; null turns the log off.</param>
    /// <param name="dropped">Counts entries lost to a full queue or a failed write.</param>
    public AccessLog(TextWriter? output, bool ownsOutput, int capacity, Counter dropped)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        _output = output;
        _ownsOutput = ownsOutput;
        _dropped = dropped;
        if (output is null)
        {
            return;
        }
        // FullMode Wait with TryWrite never waits: a full queue makes TryWrite return false.
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writing = Task.Run(WriteLinesAsync);
    }

    /// <summary>The log a gateway's options ask for: stdout ("stdout", "-" or the bare flag), a file appended to, or none.</summary>
    public static AccessLog For(GatewayOptions options, GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var dropped = metrics.AccessLogDropped.WithLabels(default);
        return options.AccessLog switch
        {
            null or "" => new AccessLog(null, false, DefaultCapacity, dropped),
            "stdout" or "-" or "true" => new AccessLog(Console.Out, false, DefaultCapacity, dropped),
            var path => new AccessLog(
                new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)),
                true, DefaultCapacity, dropped),
        };
    }

    public bool Enabled => _queue is not null;

    /// <summary>Starts counting a request's response bytes; null (and nothing done) when the log is off.</summary>
    public ByteCountingStream? Begin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_queue is null)
        {
            return null;
        }
        var counter = new ByteCountingStream(context.Response.Body);
        context.Response.Body = counter;
        return counter;
    }

    /// <summary>Queues the line of a finished request, or drops and counts it when the queue is full.</summary>
    public void End(HttpContext context, RequestLabels labels, ByteCountingStream responseBytes, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(responseBytes);
        Write(AccessLogEntry.Of(context, labels, responseBytes.Count, elapsed));
    }

    public void Write(AccessLogEntry entry)
    {
        if (_queue is not null && !_queue.Writer.TryWrite(entry))
        {
            _dropped.Add();
        }
    }

    private async Task WriteLinesAsync()
    {
        var reader = _queue!.Reader;
        var buffer = new ArrayBufferWriter<byte>(BatchBytes);
        await using var json = new Utf8JsonWriter(buffer);
        var pending = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                entry.WriteJson(json);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
                pending++;
                if (buffer.WrittenCount >= BatchBytes)
                {
                    await WriteOutAsync(buffer, pending).ConfigureAwait(false);
                    pending = 0;
                }
            }
            // The queue is empty: write what there is, so lines appear promptly when traffic is light.
            await WriteOutAsync(buffer, pending).ConfigureAwait(false);
            pending = 0;
        }
    }

    private async Task WriteOutAsync(ArrayBufferWriter<byte> buffer, int lines)
    {
        if (lines == 0)
        {
            return;
        }
        try
        {
            await _output!.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _dropped.Add(lines); // A full disk or a closed stdout loses these lines, never a request.
        }
        finally
        {
            buffer.ResetWrittenCount();
        }
    }

    /// <summary>Writes out what is queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue?.Writer.TryComplete();
        await _writing.ConfigureAwait(false);
        if (_ownsOutput && _output is not null)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }
    }
}
