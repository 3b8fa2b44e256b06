using System.Buffers;
using System.Net;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Proxy;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Front;

/// <summary>
/// Kestrel's transport for the traffic listener: the lean front accepts every connection and serves
/// the common HTTP/1.1 requests itself; whatever else arrives (h2c, upgrades, CONNECT, anything unusual
/// or malformed) is handed to Kestrel, which serves that connection from then on.
/// </summary>
public sealed class LeanFrontTransportFactory(MeshProxy proxy, GatewayOptions options, GatewayMetrics metrics, ILoggerFactory loggers, IServiceProvider services) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is LeanFrontEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not LeanFrontEndPoint front)
        {
            throw new NotSupportedException($"the lean front binds only its own endpoint, not {endpoint}");
        }
        return ValueTask.FromResult<IConnectionListener>(LeanFrontListener.Bind(front, proxy, metrics, options.MaxConnections, (options.LeanHttp2, options.MaxStreamsPerConnection, TimeSpan.FromSeconds(options.HeaderTimeoutSeconds)), loggers.CreateLogger<LeanFrontTransportFactory>(),
            // Kestrel's own block pool, so a handed-over connection gets the buffers its socket transport would give.
            services.GetService<IMemoryPoolFactory<byte>>()?.Create(new MemoryPoolOptions()) ?? MemoryPool<byte>.Shared));
    }
}
