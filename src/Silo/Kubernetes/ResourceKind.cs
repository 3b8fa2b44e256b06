namespace Mesh.Silo.Kubernetes;

/// <summary>A Kubernetes resource the silo lists and watches, and how its REST paths are built.</summary>
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    public static readonly ResourceKind Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);
    public static readonly ResourceKind Services = new("", "v1", "services", "Service");
    public static readonly ResourceKind Pods = new("", "v1", "pods", "Pod");
    public static readonly ResourceKind EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice");
    public static readonly ResourceKind HttpRoutes = new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");
    public static readonly ResourceKind GrpcRoutes = new("gateway.networking.k8s.io", "v1", "grpcroutes", "GRPCRoute");
    public static readonly ResourceKind Leases = new("coordination.k8s.io", "v1", "leases", "Lease");
    public static readonly ResourceKind ReferenceGrants = new("gateway.networking.k8s.io", "v1beta1", "referencegrants", "ReferenceGrant");

    private string GroupVersionPath => Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection across all namespaces, for list and watch.</summary>
    public string CollectionPath => $"{GroupVersionPath}/{Plural}";

    public string NamespacedCollectionPath(string ns) => $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}";

    public string ObjectPath(string? ns, string name) => Namespaced
        ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns ?? "default")}/{Plural}/{Uri.EscapeDataString(name)}"
        : $"{GroupVersionPath}/{Plural}/{Uri.EscapeDataString(name)}";
}
