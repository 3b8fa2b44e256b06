using Mesh.Gateway;

namespace Mesh.TestSupport;

/// <summary>
/// How to start one <see cref="InProcessMesh"/>. Test projects run in parallel, so each takes pod and
/// Service networks of its own: EndToEnd 127.1.10-59 (and 127.1.5-6 for its process tests), Conformance
/// 127.1.60-99, LocalApi 127.1.100-250 (the same third octet in 127.2 for Services).
/// </summary>
public sealed record MeshOptions
{
    /// <summary>Pods get the addresses after this one.</summary>
    public required string PodNetworkBase { get; init; }

    /// <summary>Service cluster IPs come after this one.</summary>
    public required string ServiceNetworkBase { get; init; }

    /// <summary>Resource files or directories loaded (and their pods started) before the silo starts.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>The silo's --require-reference-grants.</summary>
    public bool RequireReferenceGrants { get; init; }

    /// <summary>The gateway's name in the silo's subscriber list.</summary>
    public string ProxyName { get; init; } = "test";

    /// <summary>Changes to the gateway's options a test needs.</summary>
    public Action<GatewayOptions>? ConfigureGateway { get; init; }
}
