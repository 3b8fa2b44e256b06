using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests.Incremental;

/// <summary>
/// Random objects over a deliberately small cluster (three namespaces, four Service names, a few route
/// names), so changes keep colliding: routes naming Services that come and go, ports and sections that
/// exist or not, cross-namespace backends with and without grants, slices sharing addresses.
/// </summary>
internal sealed class RandomCluster(int seed)
{
    private static readonly string[] Namespaces = ["a", "b", "c"];
    private static readonly string[] ServiceNames = ["s0", "s1", "s2", "s3"];
    private static readonly string[] RouteNames = ["r0", "r1", "r2", "r3", "r4"];
    private static readonly string[] Paths = ["/", "/api", "/api/v1", "/x"];
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random = new(seed);

    public string Namespace() => Pick(Namespaces);

    public ObjectKey ServiceKey() => new(Namespace(), Pick(ServiceNames));

    public ObjectKey RouteKey() => new(Namespace(), Pick(RouteNames));

    public ObjectKey SliceKey() => new(Namespace(), $"slice-{_random.Next(4)}");

    public ObjectKey PodKey() => new(Namespace(), $"pod-{_random.Next(4)}");

    public ObjectKey GrantKey() => new(Namespace(), $"grant-{_random.Next(2)}");

    public bool Chance(int percent) => _random.Next(100) < percent;

    public int Next(int max) => _random.Next(max);

    public Service Service(ObjectKey key)
    {
        var ports = new List<ServicePort>();
        if (Chance(80))
        {
            ports.Add(new ServicePort { Name = "http", Port = 80 });
        }
        if (ports.Count == 0 || Chance(40))
        {
            ports.Add(new ServicePort { Name = "admin", Port = 8080, AppProtocol = Chance(50) ? "http" : null });
        }
        return new Service
        {
            Metadata = Meta(key),
            Spec = new ServiceSpec { ClusterIP = Chance(10) ? "None" : $"10.0.0.{_random.Next(1, 9)}", Ports = ports },
        };
    }

    public EndpointSlice Slice(ObjectKey key) => new()
    {
        Metadata = Meta(key) with { Labels = Chance(90) ? new() { ["kubernetes.io/service-name"] = Pick(ServiceNames) } : null },
        Ports = [Chance(70) ? new SlicePort { Name = "http", Port = 8080 } : new SlicePort { Name = "admin", Port = 9090 }],
        Endpoints = Enumerable.Range(0, _random.Next(1, 3)).Select(_ => new SliceEndpoint
        {
            Addresses = [$"10.1.0.{_random.Next(1, 4)}"],
            Conditions = new EndpointConditions { Ready = Chance(80) },
        }).ToList(),
    };

    public Pod Pod(ObjectKey key) => new()
    {
        Metadata = Meta(key),
        Status = new PodStatus { Phase = Chance(90) ? "Running" : "Succeeded", PodIP = $"10.2.0.{_random.Next(1, 4)}" },
    };

    public ReferenceGrant Grant(ObjectKey key) => new()
    {
        Metadata = Meta(key),
        Spec = new ReferenceGrantSpec
        {
            From = Enumerable.Range(0, _random.Next(1, 3)).Select(_ => new ReferenceGrantFrom
            {
                Group = "gateway.networking.k8s.io",
                Kind = Chance(70) ? RouteKinds.Http : RouteKinds.Grpc,
                Namespace = Namespace(),
            }).ToList(),
            To = [new ReferenceGrantTo { Group = "", Kind = "Service", Name = Chance(50) ? null : Pick(ServiceNames) }],
        },
    };

    public HttpRoute HttpRoute(ObjectKey key) => new()
    {
        Metadata = RouteMeta(key),
        Spec = new HttpRouteSpec
        {
            ParentRefs = ParentRefs(),
            Rules = Enumerable.Range(0, _random.Next(1, 3)).Select(_ => new HttpRouteRule
            {
                Name = Chance(20) ? "named" : null,
                Matches = Chance(30) ? null : Enumerable.Range(0, _random.Next(1, 3)).Select(_ => HttpMatch()).ToList(),
                BackendRefs = BackendRefs(),
            }).ToList(),
        },
    };

    public GrpcRoute GrpcRoute(ObjectKey key) => new()
    {
        Metadata = RouteMeta(key),
        Spec = new GrpcRouteSpec
        {
            ParentRefs = ParentRefs(),
            Rules = Enumerable.Range(0, _random.Next(1, 3)).Select(_ => new GrpcRouteRule
            {
                Matches = Chance(30) ? null :
                [
                    new GrpcRouteMatch
                    {
                        Method = new GrpcMethodMatch { Service = Chance(70) ? "pkg.Svc" : null, Method = Chance(50) ? "Call" : null },
                    },
                ],
                BackendRefs = BackendRefs(),
            }).ToList(),
        },
    };

    public InvalidRoute InvalidRoute(string kind, ObjectKey key) =>
        new(kind, RouteMeta(key), ParentRefs(), "spec.rules[0]: refused for the test");

    private HttpRouteMatch HttpMatch()
    {
        var match = new HttpRouteMatch
        {
            Path = Chance(10)
                ? new HttpPathMatch { Type = PathMatchType.RegularExpression, Value = Chance(50) ? "/(a)\\1" : "/re+" }
                : new HttpPathMatch { Type = Chance(50) ? PathMatchType.PathPrefix : PathMatchType.Exact, Value = Pick(Paths) },
            Method = Chance(20) ? "GET" : null,
        };
        return Chance(20) ? match with { Headers = [new HttpHeaderMatch { Name = "x-test", Value = "1" }] } : match;
    }

    private List<ParentReference> ParentRefs() => Enumerable.Range(0, _random.Next(1, 3)).Select(_ => Chance(10)
        ? new ParentReference { Group = "gateway.networking.k8s.io", Kind = "Gateway", Name = "gw" }
        : new ParentReference
        {
            Group = "",
            Kind = "Service",
            Name = Pick(ServiceNames),
            Namespace = Chance(50) ? null : Namespace(),
            Port = Chance(50) ? null : Pick([80, 8080, 9999]),
            SectionName = Chance(80) ? null : Pick(["http", "admin"]),
        }).ToList();

    private List<HttpBackendRef> BackendRefs() => Enumerable.Range(0, _random.Next(0, 3)).Select(_ => new HttpBackendRef
    {
        Name = Pick(ServiceNames),
        Namespace = Chance(50) ? null : Namespace(),
        Port = Chance(10) ? null : Pick([80, 8080]),
        Weight = Chance(50) ? null : _random.Next(0, 3),
        Kind = Chance(5) ? "Pod" : null,
    }).ToList();

    private ObjectMeta RouteMeta(ObjectKey key) => Meta(key) with
    {
        Generation = _random.Next(1, 4),
        CreationTimestamp = Epoch.AddMinutes(_random.Next(3)),
    };

    private static ObjectMeta Meta(ObjectKey key) => new() { Namespace = key.Namespace, Name = key.Name };

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
