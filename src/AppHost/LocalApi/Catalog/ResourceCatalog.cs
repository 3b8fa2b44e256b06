namespace Mesh.AppHost.LocalApi.Catalog;

/// <summary>The kinds the local API serves, each in exactly one group/version.</summary>
internal static class ResourceCatalog
{
    public const string GatewayGroup = "gateway.networking.k8s.io";

    public static readonly ResourceKind Namespace = new("", "v1", "Namespace", "namespaces", false, false, ["ns"], []);
    public static readonly ResourceKind Pod = new("", "v1", "Pod", "pods", true, true, ["po"], ["all"]);
    public static readonly ResourceKind Service = new("", "v1", "Service", "services", true, true, ["svc"], ["all"]);
    public static readonly ResourceKind Deployment = new("apps", "v1", "Deployment", "deployments", true, true, ["deploy"], ["all"]);
    public static readonly ResourceKind EndpointSlice = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, false, [], []);
    public static readonly ResourceKind Lease = new("coordination.k8s.io", "v1", "Lease", "leases", true, false, [], []);
    public static readonly ResourceKind HttpRoute = new(GatewayGroup, "v1", "HTTPRoute", "httproutes", true, true, [], ["gateway-api"]);
    public static readonly ResourceKind GrpcRoute = new(GatewayGroup, "v1", "GRPCRoute", "grpcroutes", true, true, [], ["gateway-api"]);
    /// <summary>Whether the kind is a custom resource in a real cluster (the Gateway API kinds), not built in.</summary>
    public static bool IsCustom(ResourceKind kind) => kind.Group == GatewayGroup;

    public static readonly ResourceKind ReferenceGrant = new(GatewayGroup, "v1beta1", "ReferenceGrant", "referencegrants", true, false, ["refgrant"], ["gateway-api"]);

    public static IReadOnlyList<ResourceKind> All { get; } =
        [Namespace, Pod, Service, Deployment, EndpointSlice, Lease, HttpRoute, GrpcRoute, ReferenceGrant];

    /// <summary>The API groups (core excluded) with their versions, the preferred (stable) version first.</summary>
    public static IEnumerable<IGrouping<string, string>> Groups =>
        All.Where(k => k.Group.Length > 0)
            .Select(k => (k.Group, k.Version))
            .Distinct()
            .OrderBy(gv => gv.Version.Contains("alpha", StringComparison.Ordinal) ? 2 : gv.Version.Contains("beta", StringComparison.Ordinal) ? 1 : 0)
            .GroupBy(gv => gv.Group, gv => gv.Version);

    public static IEnumerable<ResourceKind> InGroupVersion(string group, string version) =>
        All.Where(k => k.Group == group && k.Version == version);

    public static ResourceKind? ByPlural(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    public static ResourceKind? ByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);
}
