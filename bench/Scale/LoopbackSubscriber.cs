using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Mesh.Grains.Subscription;

namespace Mesh.Bench.Scale;

/// <summary>
/// One simulated proxy on a real HTTP/2 stream: it subscribes, then reads lines without deserializing
/// them (a real proxy's JSON work happens on its own node, not on the silo's), noting when it is synced
/// and when a line for the Service being watched arrives.
/// </summary>
public sealed class LoopbackSubscriber(HttpMessageInvoker http, Uri silo, string firstLine)
{
    private static readonly byte[] SyncedLine = Encoding.UTF8.GetBytes("""{"type":"synced"}""");
    private byte[]? _watchedPrefix;

    public TaskCompletionSource Synced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public long Lines { get; private set; }
    public long Bytes { get; private set; }

    private long _watchedArrival;

    /// <summary>Timestamp of the first line for the watched Service since <see cref="Watch"/>; 0 until then.</summary>
    public long WatchedArrival => Volatile.Read(ref _watchedArrival);

    /// <summary>Starts watching for a line about <paramref name="key"/>.</summary>
    public void Watch(string key)
    {
        Volatile.Write(ref _watchedArrival, 0);
        Volatile.Write(ref _watchedPrefix, Encoding.UTF8.GetBytes($$"""{"type":"service","key":"{{key}}" """.TrimEnd()));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, SubscriptionProtocol.Path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new OpenBody(Encoding.UTF8.GetBytes(firstLine + "\n"), ct),
        };
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(ct), new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                Bytes += buffer.Length;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    OnLine(buffer.Slice(0, end));
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }
                Bytes -= buffer.Length;
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private void OnLine(ReadOnlySequence<byte> line)
    {
        Lines++;
        Span<byte> head = stackalloc byte[128];
        var length = (int)Math.Min(line.Length, head.Length);
        line.Slice(0, length).CopyTo(head);
        head = head[..length];
        if (head.SequenceEqual(SyncedLine))
        {
            Synced.TrySetResult();
        }
        else if (Volatile.Read(ref _watchedPrefix) is { } prefix && head.StartsWith(prefix)
            && (head.Length == prefix.Length || head[prefix.Length] == (byte)',') && Volatile.Read(ref _watchedArrival) == 0)
        {
            Volatile.Write(ref _watchedArrival, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The request body: the subscribe line, then open until the run ends.</summary>
    private sealed class OpenBody(byte[] firstLine, CancellationToken lifetime) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(firstLine, lifetime);
            await stream.FlushAsync(lifetime);
            try
            {
                await Task.Delay(Timeout.Infinite, lifetime);
            }
            catch (OperationCanceledException)
            {
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
