using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// The cluster a mutated route lands in: every seed route, valid, on a Service of its own ("ns/other-N"); two
/// resident routes (a producer HTTPRoute, a consumer GRPCRoute) on "ns/target", the Service the mutated route names;
/// the backends they all use, with endpoints.
/// </summary>
internal static class FuzzCluster
{
    public const string Target = "target";
    public const string FuzzedName = "fuzzed";

    private static readonly (int Seed, string Name)[] Residents = [(0, "resident-http"), (8, "resident-grpc")];

    public static MeshSnapshot Baseline()
    {
        var services = new List<Service> { ServiceWithPorts(Target) };
        var endpointSlices = new List<EndpointSlice>();
        var reads = new List<SiloRouteRead>();
        for (var i = 0; i < SeedRoutes.All.Count; i++)
        {
            services.Add(ServiceWithPorts($"other-{i}"));
            reads.Add(ValidRead(i, $"other-{i}", $"other-{i}", i));
        }
        foreach (var (seed, name) in Residents)
        {
            reads.Add(ValidRead(seed, name, Target, 0));
        }
        foreach (var (name, ports) in SeedRoutes.Backends)
        {
            services.Add(Objects.Service(SeedRoutes.ServiceNamespace, name, [.. ports.Select(p => ((string?)$"p{p}", p))]));
            endpointSlices.Add(Slice(name, ports));
        }
        return new MeshSnapshot
        {
            Services = services,
            EndpointSlices = endpointSlices,
            HttpRoutes = [.. reads.Select(r => r.Http).OfType<HttpRoute>()],
            GrpcRoutes = [.. reads.Select(r => r.Grpc).OfType<GrpcRoute>()],
        };
    }

    /// <summary>"namespace/name" of the mutated route built from seed <paramref name="seedIndex"/>.</summary>
    public static ObjectKey FuzzedKey(int seedIndex) => new(SeedRoutes.All[seedIndex].Namespace, FuzzedName);

    private static SiloRouteRead ValidRead(int seed, string name, string parent, int ageRank)
    {
        var read = SiloRouteRead.Of(SeedRoutes.All[seed].Kind, SeedRoutes.Build(seed, name, parent, ageRank));
        return read.Http is not null || read.Grpc is not null
            ? read
            : throw new InvalidOperationException($"Seed route {seed} is not valid: {read.Invalid?.Message ?? "it does not read"}");
    }

    private static Service ServiceWithPorts(string name) =>
        Objects.Service(SeedRoutes.ServiceNamespace, name, ("http", 80), ("grpc", 9000));

    private static EndpointSlice Slice(string service, int[] ports) => new()
    {
        Metadata = new ObjectMeta
        {
            Namespace = SeedRoutes.ServiceNamespace,
            Name = $"{service}-slice",
            Labels = new() { ["kubernetes.io/service-name"] = service },
        },
        Ports = [.. ports.Select(p => new SlicePort { Name = $"p{p}", Port = 8000 + p })],
        Endpoints = [new SliceEndpoint { Addresses = ["127.3.0.1"], Conditions = new EndpointConditions { Ready = true } }],
    };
}
