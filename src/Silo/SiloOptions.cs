namespace Mesh.Silo;

/// <summary>How a silo runs; each is a command-line flag (e.g. --port 15000).</summary>
public sealed class SiloOptions
{
    /// <summary>Loopback port of the silo API (subscriptions and admin); 0 picks a free port.</summary>
    public int Port { get; set; } = 15000;

    /// <summary>Address to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1";

    /// <summary>The Kubernetes API server; empty means in-cluster configuration.</summary>
    public string? KubeApi { get; set; }

    /// <summary>A kubeconfig file to reach the API server with, when not in a cluster and no --kube-api is given.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Refuse cross-namespace backendRefs that no ReferenceGrant allows.</summary>
    public bool RequireReferenceGrants { get; set; }

    /// <summary>The Lease that elects the one silo writing route status.</summary>
    public string LeaseName { get; set; } = "mesh-silo-status-writer";

    /// <summary>Namespace of that Lease.</summary>
    public string LeaseNamespace { get; set; } = "kube-system";

    /// <summary>Route status writes per second, on average, once the burst is spent.</summary>
    public double StatusWritesPerSecond { get; set; } = 20;

    /// <summary>Route status writes allowed at once before the rate applies.</summary>
    public int StatusWriteBurst { get; set; } = 50;

    /// <summary>Seconds without other messages after which a subscription stream gets a heartbeat.</summary>
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>When set, the silo exits once this process does (the AppHost launching it).</summary>
    public int? ParentPid { get; set; }
}
