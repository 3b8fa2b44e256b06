using Mesh.Grains.Model;
using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>How one parentRef of a route binds to a Service (GAMMA), or why it does not.</summary>
public sealed record ServiceParentBinding
{
    public ParentReference ParentRef { get; init; } = new();
    public ObjectKey Service { get; init; }

    /// <summary>The Service ports the route attaches to; empty when it is not accepted.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>Producer route: same namespace as the Service. Otherwise a consumer route for the route's namespace.</summary>
    public bool IsProducer { get; init; }

    /// <summary>Null when accepted; otherwise the Accepted=False reason.</summary>
    public string? RejectedReason { get; init; }
    public string Message { get; init; } = "";

    /// <summary>
    /// True for a parentRef naming a core Service; other parents (Gateways) belong to other controllers. A null item
    /// (a refused route's parentRefs are read as they were stored) names nothing.
    /// </summary>
    public static bool IsServiceParent(ParentReference? parent) =>
        parent is { Kind: "Service", Group: "" or "core" };

    public static ServiceParentBinding Bind(
        string routeNamespace, ParentReference parent, IReadOnlyDictionary<ObjectKey, Service> services)
    {
        var key = new ObjectKey(parent.Namespace ?? routeNamespace, parent.Name);
        var isProducer = key.Namespace == routeNamespace;
        if (!services.TryGetValue(key, out var service))
        {
            return Rejected(parent, key, isProducer, $"Service {key} does not exist.");
        }

        var ports = service.Spec.Ports;
        if (parent.Port is { } port)
        {
            ports = ports.Where(p => p.Port == port).ToList();
            if (ports.Count == 0)
            {
                return Rejected(parent, key, isProducer, $"Service {key} has no port {port}.");
            }
        }
        if (parent.SectionName is { } section)
        {
            ports = ports.Where(p => p.Name == section).ToList();
            if (ports.Count == 0)
            {
                return Rejected(parent, key, isProducer, $"Service {key} has no port named '{section}'.");
            }
        }
        return new ServiceParentBinding
        {
            ParentRef = parent,
            Service = key,
            Ports = ports,
            IsProducer = isProducer,
            Message = isProducer ? "Route accepted as a producer route." : "Route accepted as a consumer route.",
        };
    }

    private static ServiceParentBinding Rejected(ParentReference parent, ObjectKey key, bool isProducer, string message) =>
        new()
        {
            ParentRef = parent,
            Service = key,
            IsProducer = isProducer,
            RejectedReason = RouteConditions.Reasons.NoMatchingParent,
            Message = message,
        };
}
