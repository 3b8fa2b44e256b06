using Mesh.Grains.Binding;
using Mesh.Grains.Model;

namespace Mesh.Bench.Scale;

/// <summary>A made-up cluster of the requested size: Services with three endpoints each, and routes spread over them.</summary>
public static class SyntheticCluster
{
    private const int Namespaces = 100;

    public static MeshSnapshot Build(int services, int routes)
    {
        var serviceList = new List<Service>();
        var slices = new List<EndpointSlice>();
        for (var i = 0; i < services; i++)
        {
            var ns = $"ns-{i % Namespaces}";
            var name = $"svc-{i}";
            serviceList.Add(new Service
            {
                Metadata = new ObjectMeta { Namespace = ns, Name = name },
                Spec = new ServiceSpec { ClusterIP = $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}", Ports = [new ServicePort { Name = "http", Port = 80 }] },
            });
            slices.Add(new EndpointSlice
            {
                Metadata = new ObjectMeta { Namespace = ns, Name = $"{name}-abcde", Labels = new() { ["kubernetes.io/service-name"] = name } },
                Ports = [new SlicePort { Name = "http", Port = 8080 }],
                Endpoints = Enumerable.Range(1, 3).Select(e => new SliceEndpoint
                {
                    Addresses = [$"10.100.{i % 250}.{e}"],
                    Conditions = new EndpointConditions { Ready = true },
                }).ToList(),
            });
        }
        var routeList = Enumerable.Range(0, routes).Select(r => Route(r, services, version: 0)).ToList();
        return new MeshSnapshot { Services = serviceList, EndpointSlices = slices, HttpRoutes = routeList };
    }

    /// <summary>Route number <paramref name="route"/> with a new path (its <paramref name="version"/>), same parent and backend.</summary>
    public static HttpRoute ChangedRoute(int route, int services, int version) => Route(route, services, version);

    /// <summary>"namespace/name" of the Service a route is attached to.</summary>
    public static string ParentOf(HttpRoute route)
    {
        var parent = route.Spec.ParentRefs![0];
        return $"{parent.Namespace}/{parent.Name}";
    }

    /// <summary>Route r attaches to Service r mod N (a consumer route from another namespace for every fifth).</summary>
    private static HttpRoute Route(int r, int services, int version)
    {
        var target = r % services;
        var targetNs = $"ns-{target % Namespaces}";
        var routeNs = r % 5 == 4 ? $"ns-{(target + 1) % Namespaces}" : targetNs;
        return new HttpRoute
        {
            Metadata = new ObjectMeta { Namespace = routeNs, Name = $"route-{r}", Generation = 1 + version },
            Spec = new HttpRouteSpec
            {
                ParentRefs = [new ParentReference { Group = "", Kind = "Service", Name = $"svc-{target}", Namespace = targetNs, Port = 80 }],
                Rules =
                [
                    new HttpRouteRule
                    {
                        Matches = [new HttpRouteMatch { Path = new HttpPathMatch { Type = PathMatchType.PathPrefix, Value = $"/r{r}/v{version}" } }],
                        BackendRefs = [new HttpBackendRef { Name = $"svc-{target}", Namespace = targetNs, Port = 80 }],
                    },
                ],
            },
        };
    }
}
