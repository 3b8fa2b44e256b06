using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Grains.Model;

// Typed views of the core Kubernetes objects Mesh reads. Only the fields Mesh uses are declared.

public sealed record Service
{
    public ObjectMeta Metadata { get; init; } = new();
    public ServiceSpec Spec { get; init; } = new();
}

public sealed record ServiceSpec
{
    public string? ClusterIP { get; init; }
    public List<string>? ClusterIPs { get; init; }
    public Dictionary<string, string>? Selector { get; init; }
    public List<ServicePort> Ports { get; init; } = [];
}

public sealed record ServicePort
{
    public string? Name { get; init; }
    public string? Protocol { get; init; }
    public int Port { get; init; }
    public string? AppProtocol { get; init; }

    /// <summary>A number or a container port name.</summary>
    public JsonElement? TargetPort { get; init; }
}

public sealed record EndpointSlice
{
    public ObjectMeta Metadata { get; init; } = new();
    public string? AddressType { get; init; }
    public List<SliceEndpoint>? Endpoints { get; init; }
    public List<SlicePort>? Ports { get; init; }

    /// <summary>The Service this slice belongs to, from its well-known label.</summary>
    [JsonIgnore]
    public string? ServiceName =>
        Metadata.Labels is { } labels && labels.TryGetValue("kubernetes.io/service-name", out var name) ? name : null;
}

public sealed record SliceEndpoint
{
    public List<string> Addresses { get; init; } = [];
    public EndpointConditions? Conditions { get; init; }
    public ObjectReference? TargetRef { get; init; }
    public string? NodeName { get; init; }
}

public sealed record EndpointConditions
{
    public bool? Ready { get; init; }
    public bool? Serving { get; init; }
    public bool? Terminating { get; init; }
}

public sealed record SlicePort
{
    public string? Name { get; init; }
    public int? Port { get; init; }
    public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }
}

public sealed record ObjectReference
{
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
}

public sealed record Pod
{
    public ObjectMeta Metadata { get; init; } = new();
    public PodStatus? Status { get; init; }
}

public sealed record PodStatus
{
    public string? Phase { get; init; }
    public string? PodIP { get; init; }
    public List<PodIP>? PodIPs { get; init; }
}

public sealed record PodIP
{
    public string? Ip { get; init; }
}

public sealed record Namespace
{
    public ObjectMeta Metadata { get; init; } = new();
}
