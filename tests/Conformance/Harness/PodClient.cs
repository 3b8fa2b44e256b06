using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// A client "in a pod": every connection it opens comes from the pod's loopback address (as
/// <c>curl --interface POD_IP</c>) and goes to the gateway, the pod's proxy node. HTTP requests use the
/// gateway as their HTTP proxy (proxy-form, the usual HTTP_PROXY); gRPC calls are h2c with prior
/// knowledge in origin form, their :authority naming the Service (<c>echo:7070</c>).
/// </summary>
public sealed class PodClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpClient _h2c;

    public PodClient(Uri gateway, Pod pod)
    {
        Pod = pod;
        _http = new HttpClient(Handler(gateway, pod.IP, viaProxy: true)) { Timeout = TimeSpan.FromSeconds(20) };
        _h2c = new HttpClient(Handler(gateway, pod.IP, viaProxy: false)) { Timeout = TimeSpan.FromSeconds(20) };
    }

    public Pod Pod { get; }

    private static SocketsHttpHandler Handler(Uri gateway, string podIP, bool viaProxy) => new()
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
        using var response = await _http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? echo = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            try
            {
                echo = JsonNode.Parse(text)?.AsObject();
            }
            catch (System.Text.Json.JsonException)
            {
                echo = null;
            }
        }
        return new EchoResponse((int)response.StatusCode, Headers(response), echo, text, GrpcStatus: null);
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
        using var response = await _h2c.SendAsync(message, HttpCompletionOption.ResponseContentRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var headers = Headers(response);
        var trailers = response.TrailingHeaders.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        // grpc-status is a trailer, or a header of a trailers-only answer.
        var grpcStatus = trailers.TryGetValue("grpc-status", out var s) || headers.TryGetValue("grpc-status", out s)
            ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)
            : (int?)null;
        var json = GrpcFrames.FirstStringFieldOne(bytes);
        JsonObject? echo = null;
        if (json is not null)
        {
            try
            {
                echo = JsonNode.Parse(json)?.AsObject();
            }
            catch (System.Text.Json.JsonException)
            {
                echo = null;
            }
        }
        var text = json ?? (trailers.TryGetValue("grpc-message", out var m) ? m : Convert.ToHexString(bytes));
        return new EchoResponse((int)response.StatusCode, headers, echo, text, grpcStatus) { IsGrpc = true };
    }

    private static Dictionary<string, string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _http.Dispose();
        _h2c.Dispose();
    }
}

/// <summary>A pod the harness uses as a client: its name, namespace and address.</summary>
public sealed record Pod(string Namespace, string Name, string IP);

/// <summary>What a test sends: to <see cref="Host"/> (a Service name, with an optional port, or a pod IP).</summary>
public sealed record MeshRequest
{
    public string Host { get; init; } = "echo";
    public string Path { get; init; } = "/";
    public string Method { get; init; } = "GET";

    /// <summary>A Host header that differs from the URL's authority (the URL decides where it goes).</summary>
    public string? HostHeader { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    public string? Body { get; init; }

    public override string ToString() =>
        $"{Method} http://{Host}{Path}" + (HostHeader is null ? "" : $" Host:{HostHeader}") +
        (Headers.Count == 0 ? "" : " " + string.Join(" ", Headers.Select(h => $"{h.Name}:{h.Value}")));
}

/// <summary>
/// The answer as the client saw it, plus, when the echo answered, what the echo saw:
/// <c>{"method","path","host","proto","headers":{name:[values]},"namespace","pod"}</c>.
/// </summary>
public sealed record EchoResponse(int Status, IReadOnlyDictionary<string, string> Headers, JsonObject? Echo, string Text, int? GrpcStatus)
{
    /// <summary>The answer to a gRPC call (its grpc-status is then required).</summary>
    public bool IsGrpc { get; init; }

    /// <summary>The protocol the backend received the request over.</summary>
    public string? BackendProto => Echo?["proto"]?.GetValue<string>();

    public string? Pod => Echo?["pod"]?.GetValue<string>();

    public string? Namespace => Echo?["namespace"]?.GetValue<string>();

    /// <summary>The request target the backend received (path and query).</summary>
    public string? BackendPath => Echo?["path"]?.GetValue<string>();

    public string? BackendHost => Echo?["host"]?.GetValue<string>();

    /// <summary>All values of a request header as the backend received it, joined with "," (as the upstream harness compares them).</summary>
    public string? RequestHeader(string name)
    {
        var entry = Echo?["headers"]?.AsObject().FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        if (entry?.Value is not JsonArray values)
        {
            return null;
        }
        return string.Join(",", values.Select(v => v!.GetValue<string>()).SelectMany(v => v.Split(',')).Select(v => v.Trim()));
    }

    public string? ResponseHeader(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Status);
        if (IsGrpc)
        {
            sb.Append(" grpc-status=").Append(GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
        }
        if (Pod is not null)
        {
            sb.Append(" pod=").Append(Pod).Append(" path=").Append(BackendPath);
        }
        if (ResponseHeader("Location") is { } location)
        {
            sb.Append(" Location=").Append(location);
        }
        if (Echo is null)
        {
            sb.Append(' ').Append(Text.Length > 200 ? Text[..200] : Text.Trim());
        }
        return sb.ToString();
    }
}

/// <summary>gRPC length-prefixed messages and the one protobuf field the echo fills.</summary>
public static class GrpcFrames
{
    /// <summary>One uncompressed length-prefixed message whose protobuf payload is field 1 = <paramref name="text"/>.</summary>
    public static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var message = new List<byte> { 0x0A }; // field 1, wire type 2 (length-delimited)
        for (var length = (uint)payload.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                message.Add((byte)length);
                break;
            }
            message.Add((byte)(length | 0x80));
        }
        message.AddRange(payload);
        var frame = new byte[5 + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Count);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>The string in field 1 of the first message of a gRPC body, or null if there is none.</summary>
    public static string? FirstStringFieldOne(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5 || body[0] != 0)
        {
            return null;
        }
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (body.Length < 5 + length)
        {
            return null;
        }
        var message = body.Slice(5, length);
        var i = 0;
        while (i < message.Length)
        {
            var tag = ReadVarint(message, ref i);
            var field = tag >> 3;
            var wire = tag & 7;
            switch (wire)
            {
                case 0:
                    ReadVarint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    var size = (int)ReadVarint(message, ref i);
                    if (field == 1)
                    {
                        return Encoding.UTF8.GetString(message.Slice(i, size));
                    }
                    i += size;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; i < data.Length && shift < 64; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        return value;
    }
}
