using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Kubernetes;

/// <summary>The informers of every kind the silo reads.</summary>
public sealed class ClusterInformers(KubernetesClient client, ILoggerFactory loggers)
{
    public Informer Services { get; } = Create(ResourceKind.Services, client, loggers);
    public Informer EndpointSlices { get; } = Create(ResourceKind.EndpointSlices, client, loggers);
    public Informer Pods { get; } = Create(ResourceKind.Pods, client, loggers);
    public Informer HttpRoutes { get; } = Create(ResourceKind.HttpRoutes, client, loggers);
    public Informer GrpcRoutes { get; } = Create(ResourceKind.GrpcRoutes, client, loggers);
    public Informer ReferenceGrants { get; } = Create(ResourceKind.ReferenceGrants, client, loggers);

    public IReadOnlyList<Informer> All => [Services, EndpointSlices, Pods, HttpRoutes, GrpcRoutes, ReferenceGrants];

    /// <summary>The informer of a route kind ("HTTPRoute", "GRPCRoute").</summary>
    public Informer RoutesOf(string kind) => kind == ResourceKind.GrpcRoutes.Kind ? GrpcRoutes : HttpRoutes;

    private static Informer Create(ResourceKind kind, KubernetesClient client, ILoggerFactory loggers) =>
        new(kind, client, loggers.CreateLogger($"Mesh.Silo.Informer.{kind.Kind}"));
}
