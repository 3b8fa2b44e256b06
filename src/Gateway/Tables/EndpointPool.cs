using System.Net;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tables;

/// <summary>The ready endpoints of one Service port, chosen round-robin.</summary>
public sealed class EndpointPool
{
    private readonly IPEndPoint[] _ready;
    private int _next = -1;

    public EndpointPool(string service, BackendPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        Service = service;
        Port = port.Port;
        AppProtocol = port.AppProtocol;
        _ready = port.Endpoints
            .Where(e => e.Ready && IPAddress.TryParse(e.Address, out _))
            .Select(e => new IPEndPoint(IPAddress.Parse(e.Address), e.Port))
            .ToArray();
    }

    public string Service { get; }
    public int Port { get; }
    public string? AppProtocol { get; }

    /// <summary>True when the port speaks HTTP/2 without TLS (appProtocol kubernetes.io/h2c or grpc).</summary>
    public bool IsH2c => AppProtocol is "kubernetes.io/h2c" or "h2c" or "grpc";

    public int ReadyCount => _ready.Length;

    public IPEndPoint? Next()
    {
        if (_ready.Length == 0)
        {
            return null;
        }
        var index = (uint)Interlocked.Increment(ref _next) % (uint)_ready.Length;
        return _ready[index];
    }

    public static string KeyOf(string service, int port) => $"{service}:{port}";

    /// <summary>A pool of one: a pod addressed directly.</summary>
    public static EndpointPool Direct(string address, int port) => new($"pod {address}", new BackendPort
    {
        Port = port,
        Endpoints = [new BackendEndpoint { Address = address, Port = port, Ready = true, Serving = true }],
    });
}
