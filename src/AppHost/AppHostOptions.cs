namespace Mesh.AppHost;

/// <summary>The AppHost's flags. Ports given as 0 are replaced by free ones before anything starts.</summary>
public sealed class AppHostOptions
{
    /// <summary>Directories or files of resources to load instead of the demo in deploy/local (repeatable).</summary>
    public List<string> Resources { get; set; } = [];

    public int ApiPort { get; set; } = 15010;
    public int SiloPort { get; set; } = 15000;
    public int GatewayPort { get; set; } = 15001;

    /// <summary>The gateway's admin listener (/metrics, /config); not part of the local mode contract.</summary>
    public int GatewayAdminPort { get; set; } = 15002;

    /// <summary>First address of the pod network (pods get the following ones).</summary>
    public string PodNetwork { get; set; } = "127.1.0.0";

    /// <summary>First address of the cluster IP range.</summary>
    public string ServiceNetwork { get; set; } = "127.2.0.0";

    /// <summary>Passed to the silo: cross-namespace backendRefs need a ReferenceGrant.</summary>
    public bool RequireReferenceGrants { get; set; }

    /// <summary>Passed to the gateway as --access-log: "stdout" or a file to append one JSON line per request to.</summary>
    public string? GatewayAccessLog { get; set; }

    /// <summary>Passed to the gateway as --lean-http1-upstream: false sends upstream requests through SocketsHttpHandler (for A/B runs).</summary>
    public bool GatewayLeanHttp1Upstream { get; set; } = true;

    /// <summary>Passed to the gateway as --lean-front: false has Kestrel serve every connection (for A/B runs).</summary>
    public bool GatewayLeanFront { get; set; } = true;

    /// <summary>Passed to the gateway as --lean-http2: false hands h2c connections to Kestrel (for A/B runs).</summary>
    public bool GatewayLeanHttp2 { get; set; } = true;

    /// <summary>Passed to the gateway as --event-loops when set; unset, the gateway runs one per two cores.</summary>
    public int? GatewayEventLoops { get; set; }
}
