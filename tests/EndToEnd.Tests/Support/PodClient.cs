using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// An HTTP client "in a pod": its connections come from the pod's loopback address, as
/// `curl --interface POD_IP` does, and go through the gateway as their HTTP proxy.
/// </summary>
public sealed class PodClient : IDisposable
{
    private readonly HttpClient _http;

    public PodClient(Uri gateway, string? podIP, bool viaProxy = true)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = viaProxy,
            AllowAutoRedirect = false,
            Proxy = viaProxy ? new WebProxy(gateway) : null,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (podIP is not null)
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(podIP), 0));
                    }
                    // Origin-form requests name the Service in Host but connect to the gateway itself.
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
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    /// <summary>GET through the mesh; the status and, for the echo, its JSON body.</summary>
    public async Task<EchoResponse> EchoAsync(string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            body = JsonNode.Parse(text)?.AsObject();
        }
        return new EchoResponse((int)response.StatusCode, body, text, response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public void Dispose() => _http.Dispose();
}

public sealed record EchoResponse(int Status, JsonObject? Body, string Text, IReadOnlyDictionary<string, string> Headers)
{
    public string? Pod => Body?["pod"]?.GetValue<string>();

    public string? RequestHeader(string name) =>
        Body?["headers"]?.AsObject().FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?[0]?.GetValue<string>();

    public override string ToString() => $"{Status} pod={Pod} {(Body is null ? Text.Trim() : "")}";
}
