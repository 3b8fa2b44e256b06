using System.Net;

namespace Mesh.Gateway.Observability;

/// <summary>What routing and forwarding decided about one request, filled in as it goes, for its metrics and access-log lines.</summary>
public sealed class RequestLabels
{
    public string Service { get; set; } = "";
    public string Route { get; set; } = "";
    public string Backend { get; set; } = "";

    /// <summary>The endpoint of the last upstream attempt; null when nothing was sent upstream.</summary>
    public IPEndPoint? Endpoint { get; set; }

    /// <summary>Upstream attempts made (1 plus retries).</summary>
    public int Attempts { get; set; }
}
