using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Binding;

/// <summary>
/// The GAMMA translation, as one pure function: cluster objects in, per-Service facets and route status out.
/// The result does not depend on the order objects arrived in. <see cref="IncrementalTranslator"/> keeps
/// the same result up to date one object at a time; this is the reference it must always equal.
/// </summary>
public static class MeshTranslator
{
    public static MeshState Translate(MeshSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var services = new Dictionary<ObjectKey, Service>(snapshot.Services.Count);
        foreach (var service in snapshot.Services)
        {
            services[KeyOf(service.Metadata)] = service;
        }
        var grants = snapshot.ReferenceGrants.ToLookup(g => g.Metadata.Namespace ?? "default", StringComparer.Ordinal);
        var resolver = new BackendResolver(services, ns => grants[ns], snapshot.RequireReferenceGrants);
        var state = new MeshState { Workloads = WorkloadTranslation.Of(snapshot.Pods) };

        // Invalid routes first: a valid route of the same kind and name (there is none from one informer) would win.
        var routes = snapshot.InvalidRoutes.Select(RouteSource.From)
            .Concat(snapshot.HttpRoutes.Select(RouteSource.From))
            .Concat(snapshot.GrpcRoutes.Select(RouteSource.From));
        var statuses = new Dictionary<string, Status.RouteStatus>(StringComparer.Ordinal);
        var attached = new Dictionary<ObjectKey, List<RouteAttachment>>();
        foreach (var route in routes)
        {
            var translation = RouteTranslation.Of(route, services, resolver);
            if (translation.Status is { } status)
            {
                statuses[route.Id.StatusKey] = status;
            }
            foreach (var attachment in translation.Attachments)
            {
                if (!attached.TryGetValue(attachment.Group.Service, out var list))
                {
                    attached[attachment.Group.Service] = list = [];
                }
                list.Add(attachment);
            }
        }

        var slicesByService = snapshot.EndpointSlices
            .Where(s => s.ServiceName is not null)
            .GroupBy(s => new ObjectKey(s.Metadata.Namespace ?? "default", s.ServiceName!))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (key, service) in services.OrderBy(s => s.Key))
        {
            var name = key.ToString();
            state.Frontends.Add(name, ServiceFacets.Frontend(key, service, attached.GetValueOrDefault(key) ?? []));
            state.Backends.Add(name, ServiceFacets.Backend(key, service, slicesByService.GetValueOrDefault(key) ?? []));
        }
        foreach (var (key, status) in statuses)
        {
            state.RouteStatuses.Add(key, status);
        }
        return state;
    }

    private static ObjectKey KeyOf(ObjectMeta metadata) => new(metadata.Namespace ?? "default", metadata.Name);
}
