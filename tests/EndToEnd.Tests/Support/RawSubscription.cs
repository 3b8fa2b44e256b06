using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A subscription stream opened by hand, as a proxy would, over a real h2c connection: the test decides
/// when (and whether) to read the silo's lines and what to write up the request body.
/// </summary>
public sealed class RawSubscription : IAsyncDisposable
{
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly Pipe _requestBody = new();
    private readonly CancellationTokenSource _lifetime = new();
    private HttpResponseMessage? _response;
    private StreamReader? _reader;

    public static async Task<RawSubscription> OpenAsync(Uri silo, string firstLine)
    {
        var subscription = new RawSubscription();
        await subscription._requestBody.Writer.WriteAsync(Encoding.UTF8.GetBytes(firstLine + "\n"));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, "mesh/v1/subscribe"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FlushingContent(subscription._requestBody.Reader),
        };
        subscription._response = await subscription._http.SendAsync(request, subscription._lifetime.Token);
        subscription._response.EnsureSuccessStatusCode();
        return subscription;
    }

    /// <summary>Writes one more line up the request body (an interest update).</summary>
    public async Task SendAsync(string line) =>
        await _requestBody.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next message from the silo; null when the stream ended.</summary>
    public async Task<JsonObject?> ReadAsync(TimeSpan deadline)
    {
        _reader ??= new StreamReader(await _response!.Content.ReadAsStreamAsync(), Encoding.UTF8);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(deadline);
        var line = await _reader.ReadLineAsync(timeout.Token);
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Reads messages until one satisfies <paramref name="condition"/>; every message read is passed to <paramref name="seen"/>.</summary>
    public async Task<JsonObject> ReadUntilAsync(Func<JsonObject, bool> condition, TimeSpan deadline, Action<JsonObject>? seen = null)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            var message = (left > TimeSpan.Zero ? await ReadAsync(left) : null)
                ?? throw new TimeoutException($"no matching subscription message within {deadline.TotalSeconds}s");
            seen?.Invoke(message);
            if (condition(message))
            {
                return message;
            }
        }
    }

    /// <summary>Sends each line as soon as it is written (a plain StreamContent would hold it in a buffer).</summary>
    private sealed class FlushingContent(PipeReader source) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            while (true)
            {
                var read = await source.ReadAsync();
                foreach (var segment in read.Buffer)
                {
                    await stream.WriteAsync(segment);
                }
                await stream.FlushAsync();
                source.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        await _requestBody.Writer.CompleteAsync();
        _reader?.Dispose();
        _response?.Dispose();
        _http.Dispose();
        _lifetime.Dispose();
    }
}
