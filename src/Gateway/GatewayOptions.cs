using Mesh.Gateway.Subscription;

namespace Mesh.Gateway;

/// <summary>How a proxy node runs; each is a command-line flag (e.g. --port 15001).</summary>
public sealed class GatewayOptions
{
    /// <summary>Port of the traffic listener; 0 picks a free port.</summary>
    public int Port { get; set; } = 15001;

    /// <summary>Port of the admin listener (/healthz, /readyz, /metrics, /config); 0 picks a free port.</summary>
    public int AdminPort { get; set; } = 15002;

    /// <summary>Address to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1";

    /// <summary>The silo to subscribe to; several, comma-separated, are tried in turn after a break.</summary>
    public string Silo { get; set; } = "http://127.0.0.1:15000";

    /// <summary>
    /// Which Services to subscribe to: "all" (every Service, the default) or "on-demand" (a directory of
    /// every Service, and the routes and endpoints of a Service only once a request for it arrives).
    /// </summary>
    public string Subscribe { get; set; } = SubscriptionModes.All;

    /// <summary>On demand: how long a request waits for a Service's state to arrive before it is answered as for an unknown Service.</summary>
    public double OnDemandWaitSeconds { get; set; } = 3;

    /// <summary>A file to keep the last good tables in, so a restart serves at once even without a silo.</summary>
    public string? Snapshot { get; set; }

    /// <summary>This proxy's name in the silo's subscriber list.</summary>
    public string ProxyName { get; set; } = Environment.MachineName;

    /// <summary>A client must send its request headers within this many seconds (slowloris defence).</summary>
    public double HeaderTimeoutSeconds { get; set; } = 10;

    /// <summary>Connections served at once across all clients; more wait in the accept queue.</summary>
    public long MaxConnections { get; set; } = 10_000;

    /// <summary>Concurrent HTTP/2 streams one client connection may open.</summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>
    /// The access log, one JSON line per request: "stdout" (or the bare flag) or a file to append to.
    /// Off when unset.
    /// </summary>
    public string? AccessLog { get; set; }

    /// <summary>
    /// Send requests to HTTP/1.1 endpoints through the gateway's own HTTP/1.1 client (Forwarding/Http1),
    /// which takes 10-15% off the CPU per request and about half the allocations (docs/performance.md). On by
    /// default; "--lean-http1-upstream false" sends everything through SocketsHttpHandler instead.
    /// </summary>
    public bool LeanHttp1Upstream { get; set; } = true;

    /// <summary>
    /// Serve plain HTTP/1.1 requests on the traffic port with the gateway's own lean front (Front/), which
    /// runs each request on the thread its socket completed on; everything else goes to Kestrel. On by
    /// default; "--lean-front false" has Kestrel serve every connection.
    /// </summary>
    public bool LeanFront { get; set; } = true;

    /// <summary>
    /// With the lean front, serve h2c (prior knowledge) connections with its own HTTP/2 (Front/Http2) too, on
    /// the socket threads; "--lean-http2 false" hands them to Kestrel, which serves each stream on the thread pool.
    /// </summary>
    public bool LeanHttp2 { get; set; } = true;

    /// <summary>
    /// Threads serving the lean front's sockets and the upstream HTTP/1.1 connections, each with its own
    /// epoll set. Unset: half the cores, at least one (Sockets/EventLoops.cs says why); a node whose proxy
    /// should take more of its cores says so here.
    /// </summary>
    public int? EventLoops { get; set; }

    /// <summary>When set, the gateway exits once this process does (the AppHost launching it).</summary>
    public int? ParentPid { get; set; }
}
