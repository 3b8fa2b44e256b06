using Mesh.Grains.Model;

namespace Mesh.Grains.Tests;

/// <summary>Small builders for the objects the translation reads.</summary>
internal static class Objects
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Service Service(string ns, string name, params (string? Name, int Port)[] ports) => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name },
        Spec = new ServiceSpec
        {
            ClusterIP = "127.2.0." + (Math.Abs(StringComparer.Ordinal.GetHashCode(ns + name)) % 250 + 1),
            Ports = ports.Length == 0
                ? [new ServicePort { Name = "http", Port = 80 }]
                : ports.Select(p => new ServicePort { Name = p.Name, Port = p.Port }).ToList(),
        },
    };

    public static ParentReference ServiceParent(string name, string? ns = null, int? port = null, string? section = null) => new()
    {
        Group = "",
        Kind = "Service",
        Name = name,
        Namespace = ns,
        Port = port,
        SectionName = section,
    };

    public static HttpBackendRef Backend(string name, int? port = 80, int? weight = null, string? ns = null) => new()
    {
        Name = name,
        Port = port,
        Weight = weight,
        Namespace = ns,
    };

    public static HttpRoute Route(string ns, string name, ParentReference parent, params HttpRouteRule[] rules) =>
        Route(ns, name, 0, parent, rules);

    public static HttpRoute Route(string ns, string name, int ageRank, ParentReference parent, params HttpRouteRule[] rules) => new()
    {
        Metadata = new ObjectMeta
        {
            Namespace = ns,
            Name = name,
            Generation = 1,
            CreationTimestamp = Epoch.AddMinutes(ageRank),
        },
        Spec = new HttpRouteSpec { ParentRefs = [parent], Rules = [.. rules] },
    };

    public static HttpRouteRule Rule(HttpRouteMatch? match = null, params HttpBackendRef[] backends) => new()
    {
        Matches = match is null ? null : [match],
        BackendRefs = [.. backends],
    };

    public static HttpRouteMatch Prefix(string value) => new() { Path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = value } };

    public static HttpRouteMatch Exact(string value) => new() { Path = new HttpPathMatch { Type = PathMatchType.Exact, Value = value } };
}
