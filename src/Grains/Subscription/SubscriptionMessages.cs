using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Grains.Subscription;

// The subscription protocol between a proxy and a silo; docs/subscription-protocol.md describes it.
// One HTTP/2 request per proxy: the request body carries SubscribeRequest lines, the response body
// carries SubscriptionMessage lines (newline-delimited JSON), both open for the life of the stream.

public static class SubscriptionProtocol
{
    public const string Path = "/mesh/v1/subscribe";
    public const string ContentType = "application/x-ndjson";

    /// <summary>The service list that means "every Service".</summary>
    public const string AllServices = "*";
}

/// <summary>proxy → silo, the first line: which Services it needs, and the versions it already holds.</summary>
public sealed record SubscribeRequest
{
    public string Proxy { get; init; } = "";
    public List<string> Services { get; init; } = [SubscriptionProtocol.AllServices];

    /// <summary>Also send the directory facet of every Service (on-demand proxies: they ask for the rest with <see cref="InterestUpdate"/>).</summary>
    public bool? Directory { get; init; }
    public Dictionary<string, HeldVersions> Have { get; init; } = [];
    public string? Workloads { get; init; }
}

/// <summary>proxy → silo, any later line: more Services to send in full and keep up to date from now on.</summary>
public sealed record InterestUpdate
{
    public List<string> Want { get; init; } = [];
}

public sealed record HeldVersions
{
    public string? Frontend { get; init; }
    public string? Backend { get; init; }
    public string? Directory { get; init; }
}

public static class MessageType
{
    public const string Service = "service";
    public const string Workloads = "workloads";
    public const string Synced = "synced";
    public const string Heartbeat = "heartbeat";
}

/// <summary>
/// silo → proxy. "service": a facet the proxy lacks or holds at another version (facets it already
/// holds are left out; Removed means the Service is gone). "workloads": the pod directory.
/// "synced": everything the proxy asked for has been sent once. "heartbeat": the stream is alive.
/// A "service" message for a wanted key the silo does not know has Removed set, so the proxy stops waiting.
/// </summary>
public sealed record SubscriptionMessage
{
    public string Type { get; init; } = "";
    public string? Key { get; init; }
    public bool? Removed { get; init; }
    public Versioned<FrontendFacet>? Frontend { get; init; }
    public Versioned<BackendFacet>? Backend { get; init; }
    public Versioned<ServiceDirectoryEntry>? Directory { get; init; }
    public Versioned<WorkloadDirectory>? Workloads { get; init; }
}
