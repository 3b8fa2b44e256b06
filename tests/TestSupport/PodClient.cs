using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mesh.TestSupport;

/// <summary>
/// A client "in a pod": every connection it opens comes from the pod's loopback address (as
/// <c>curl --interface POD_IP</c>) and goes to the gateway, the pod's proxy node. HTTP requests use the
/// gateway as their HTTP proxy (proxy-form, the usual HTTP_PROXY) unless sent in origin form; gRPC calls
/// are h2c with prior knowledge in origin form, their :authority naming the Service (<c>echo:7070</c>).
/// </summary>
public sealed class PodClient : IDisposable
{
    private readonly HttpClient _proxied;
    private readonly HttpClient _direct;

    /// <param name="timeout">How long one request may take before it fails (20 s unless given).</param>
    public PodClient(Uri gateway, Pod pod, TimeSpan? timeout = null)
    {
        Pod = pod;
        _proxied = new HttpClient(Handler(gateway, pod.IP, viaProxy: true)) { Timeout = timeout ?? TimeSpan.FromSeconds(20) };
        _direct = new HttpClient(Handler(gateway, pod.IP, viaProxy: false)) { Timeout = timeout ?? TimeSpan.FromSeconds(20) };
    }

    public Pod Pod { get; }

    /// <summary>A handler whose connections come from <paramref name="podIP"/>: to the gateway as a proxy, or (origin form) always to the gateway.</summary>
    public static SocketsHttpHandler Handler(Uri gateway, string podIP, bool viaProxy) => new()
    {
        UseProxy = viaProxy,
        Proxy = viaProxy ? new WebProxy(gateway) : null,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(podIP), 0));
                // Proxied: the handler asks for the proxy's endpoint. Origin form: always the gateway.
                var endpoint = viaProxy ? (EndPoint)context.DnsEndPoint : new IPEndPoint(IPAddress.Loopback, gateway.Port);
                await socket.ConnectAsync(endpoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Any request through the gateway as the pod's HTTP proxy; the caller reads and disposes the answer.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _proxied.SendAsync(request);

    public Task<HttpResponseMessage> GetAsync(string url) => _proxied.GetAsync(url);

    /// <summary>Any request in origin form, straight to the gateway (as h2c and gRPC clients send); the caller disposes the answer.</summary>
    public Task<HttpResponseMessage> SendOriginFormAsync(HttpRequestMessage request) => _direct.SendAsync(request);

    /// <summary>GET <paramref name="url"/> through the mesh, with extra request headers.</summary>
    public async Task<EchoResponse> EchoAsync(string url, params (string Name, string Value)[] headers)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _proxied.SendAsync(message);
        return await ReadAsync(response);
    }

    /// <summary>An HTTP/1.1 request through the mesh, e.g. to <c>http://echo/path</c>.</summary>
    public async Task<EchoResponse> SendAsync(MeshRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), $"http://{request.Host}{request.Path}");
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        if (request.HostHeader is { } host)
        {
            message.Headers.Host = host;
        }
        if (request.Body is { } body)
        {
            message.Content = new StringContent(body);
        }
        using var response = await (request.OriginForm ? _direct : _proxied).SendAsync(message);
        return await ReadAsync(response);
    }

    /// <summary>
    /// A unary gRPC call over h2c: one hand-framed request message (field 1, a string) to
    /// <c>/service/method</c> on <paramref name="authority"/>; the echo's reply message carries its JSON in field 1.
    /// </summary>
    public async Task<EchoResponse> CallGrpcAsync(string authority, string service, string method, IEnumerable<(string Name, string Value)>? metadata = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{authority}/{service}/{method}")
        {
            Content = new ByteArrayContent(GrpcFrames.Frame("conformance")),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new("application/grpc");
        message.Headers.TE.ParseAdd("trailers");
        foreach (var (name, value) in metadata ?? [])
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _direct.SendAsync(message, HttpCompletionOption.ResponseContentRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var headers = Headers(response);
        var trailers = response.TrailingHeaders.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        // grpc-status is a trailer, or a header of a trailers-only answer.
        var grpcStatus = trailers.TryGetValue("grpc-status", out var s) || headers.TryGetValue("grpc-status", out s)
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : (int?)null;
        var json = GrpcFrames.FirstStringFieldOne(bytes);
        var text = json ?? (trailers.TryGetValue("grpc-message", out var m) ? m : Convert.ToHexString(bytes));
        return new EchoResponse((int)response.StatusCode, headers, ParseEcho(json), text, grpcStatus) { IsGrpc = true };
    }

    /// <summary>The status, the headers and, when the echo answered (JSON), what it saw.</summary>
    private static async Task<EchoResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var echo = response.Content.Headers.ContentType?.MediaType == "application/json" ? ParseEcho(text) : null;
        return new EchoResponse((int)response.StatusCode, Headers(response), echo, text, GrpcStatus: null);
    }

    private static JsonObject? ParseEcho(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _proxied.Dispose();
        _direct.Dispose();
    }
}
