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

    /// <summary>When the request began (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    internal long Started { get; init; }

    /// <summary>The response's byte counter, when the access log is on.</summary>
    internal ByteCountingStream? ResponseBytes { get; init; }

    /// <summary>The task the proxy hands back is the forwarder's, which ends the request itself.</summary>
    internal bool EndedByForwarder { get; set; }

    private bool _ended;

    /// <summary>
    /// True the first time only: a request's metrics and log line are written once, by whichever layer
    /// finishes it (the forwarder for a forwarded request, the proxy for the rest).
    /// </summary>
    internal bool TryEnd()
    {
        if (_ended)
        {
            return false;
        }
        _ended = true;
        return true;
    }
}
