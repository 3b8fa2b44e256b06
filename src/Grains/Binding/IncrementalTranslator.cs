using Mesh.Grains.Model;
using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>
/// Keeps <see cref="MeshTranslator.Translate"/>'s result up to date one object at a time. Each change
/// marks what it can affect: a route itself; for a Service, the routes naming it as parent or backend
/// and its own facets; for an EndpointSlice, its Service's backend; for a ReferenceGrant (when grants are
/// required), the routes of its from-namespaces with backendRefs into its namespace; for a Pod, the pod
/// directory. <see cref="Flush"/> translates those routes again (from their cached, defaulted form), then
/// rebuilds only the facets of the Services they attach(ed) to; every other facet and status keeps its
/// object. Deterministic and free of I/O: the same objects give the same state as the full translation.
/// Not thread-safe: one caller feeds it.
/// </summary>
public sealed class IncrementalTranslator(bool requireReferenceGrants)
{
    private readonly Dictionary<ObjectKey, Service> _services = [];
    private readonly Dictionary<ObjectKey, EndpointSlice> _slices = [];
    private readonly MultiIndex<ObjectKey, ObjectKey> _slicesByService = new();
    private readonly Dictionary<ObjectKey, Pod> _pods = [];
    private readonly Dictionary<ObjectKey, ReferenceGrant> _grants = [];
    private readonly MultiIndex<string, ReferenceGrant> _grantsByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<RouteId, RouteSource> _routes = [];
    private readonly Dictionary<RouteId, RouteTranslation> _translations = [];

    // Who read what, from each route's last translation.
    private readonly MultiIndex<ObjectKey, RouteId> _routesByParent = new();
    private readonly MultiIndex<ObjectKey, RouteId> _routesByBackend = new();
    private readonly MultiIndex<string, RouteId> _routesByGrantNamespace = new(StringComparer.Ordinal);
    private readonly MultiIndex<ObjectKey, RouteId> _routesAttached = new();

    private readonly HashSet<RouteId> _dirtyRoutes = [];
    private readonly HashSet<ObjectKey> _dirtyFrontends = [];
    private readonly HashSet<ObjectKey> _dirtyBackends = [];
    private bool _dirtyWorkloads;

    /// <summary>The current translation; entries are replaced (never mutated) when recomputed.</summary>
    public MeshState State { get; } = new();

    /// <summary>Everything in a snapshot, as if each object had just been added.</summary>
    public static IncrementalTranslator From(MeshSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var translator = new IncrementalTranslator(snapshot.RequireReferenceGrants);
        foreach (var service in snapshot.Services)
        {
            translator.Upsert(service);
        }
        foreach (var slice in snapshot.EndpointSlices)
        {
            translator.Upsert(slice);
        }
        foreach (var pod in snapshot.Pods)
        {
            translator.Upsert(pod);
        }
        foreach (var grant in snapshot.ReferenceGrants)
        {
            translator.Upsert(grant);
        }
        foreach (var invalid in snapshot.InvalidRoutes)
        {
            translator.Upsert(invalid);
        }
        foreach (var route in snapshot.HttpRoutes)
        {
            translator.Upsert(route);
        }
        foreach (var route in snapshot.GrpcRoutes)
        {
            translator.Upsert(route);
        }
        translator.Flush();
        return translator;
    }

    public void Upsert(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var key = KeyOf(service.Metadata);
        _services[key] = service;
        ServiceChanged(key);
    }

    public void RemoveService(ObjectKey key)
    {
        if (_services.Remove(key))
        {
            ServiceChanged(key);
        }
    }

    public void Upsert(EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var key = KeyOf(slice.Metadata);
        RemoveEndpointSlice(key);
        _slices[key] = slice;
        if (ServiceOf(slice) is { } service)
        {
            _slicesByService.Add(service, key);
            _dirtyBackends.Add(service);
        }
    }

    public void RemoveEndpointSlice(ObjectKey key)
    {
        if (_slices.Remove(key, out var old) && ServiceOf(old) is { } service)
        {
            _slicesByService.Remove(service, key);
            _dirtyBackends.Add(service);
        }
    }

    public void Upsert(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _pods[KeyOf(pod.Metadata)] = pod;
        _dirtyWorkloads = true;
    }

    public void RemovePod(ObjectKey key) => _dirtyWorkloads |= _pods.Remove(key);

    public void Upsert(HttpRoute route) => SetRoute(RouteSource.From(route));

    public void Upsert(GrpcRoute route) => SetRoute(RouteSource.From(route));

    /// <summary>A route refused before translation: replaces the valid one of the same kind and name, if any.</summary>
    public void Upsert(InvalidRoute route) => SetRoute(RouteSource.From(route));

    public void RemoveRoute(string kind, ObjectKey key)
    {
        var id = new RouteId(kind, key);
        if (_routes.Remove(id))
        {
            _dirtyRoutes.Add(id);
        }
    }

    public void Upsert(ReferenceGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var key = KeyOf(grant.Metadata);
        RemoveReferenceGrant(key);
        _grants[key] = grant;
        _grantsByNamespace.Add(key.Namespace, grant);
        GrantChanged(key.Namespace, grant);
    }

    public void RemoveReferenceGrant(ObjectKey key)
    {
        if (_grants.Remove(key, out var old))
        {
            _grantsByNamespace.Remove(key.Namespace, old);
            GrantChanged(key.Namespace, old);
        }
    }

    /// <summary>Recomputes what the changes since the last flush affect, and says what that was.</summary>
    public MeshDelta Flush()
    {
        var resolver = new BackendResolver(_services, ns => _grantsByNamespace[ns], requireReferenceGrants);
        var statuses = new List<KeyValuePair<string, RouteStatus?>>(_dirtyRoutes.Count);
        foreach (var id in _dirtyRoutes)
        {
            if (_translations.Remove(id, out var old))
            {
                Unindex(id, old);
            }
            RouteStatus? status = null;
            if (_routes.TryGetValue(id, out var route))
            {
                var translation = RouteTranslation.Of(route, _services, resolver);
                _translations[id] = translation;
                Index(id, translation);
                status = translation.Status;
            }
            var statusKey = id.StatusKey;
            if (status is not null)
            {
                State.RouteStatuses[statusKey] = status;
                statuses.Add(new(statusKey, status));
            }
            else if (State.RouteStatuses.Remove(statusKey))
            {
                statuses.Add(new(statusKey, null));
            }
        }

        var changedServices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in _dirtyFrontends)
        {
            var name = key.ToString();
            if (_services.TryGetValue(key, out var service))
            {
                changedServices.Add(name);
                var attachments = _routesAttached[key]
                    .SelectMany(id => _translations[id].Attachments)
                    .Where(a => a.Group.Service == key);
                State.Frontends[name] = ServiceFacets.Frontend(key, service, attachments);
            }
            else if (State.Frontends.Remove(name))
            {
                changedServices.Add(name);
            }
        }
        foreach (var key in _dirtyBackends)
        {
            var name = key.ToString();
            if (_services.TryGetValue(key, out var service))
            {
                State.Backends[name] = ServiceFacets.Backend(key, service, _slicesByService[key].Select(slice => _slices[slice]));
                changedServices.Add(name);
            }
            else if (State.Backends.Remove(name))
            {
                changedServices.Add(name);
            }
        }
        var workloadsChanged = _dirtyWorkloads;
        if (_dirtyWorkloads)
        {
            State.Workloads = WorkloadTranslation.Of(_pods.Values);
        }

        var delta = new MeshDelta
        {
            Services = changedServices,
            RouteStatuses = statuses,
            WorkloadsChanged = workloadsChanged,
            RoutesTranslated = _dirtyRoutes.Count,
        };
        _dirtyRoutes.Clear();
        _dirtyFrontends.Clear();
        _dirtyBackends.Clear();
        _dirtyWorkloads = false;
        return delta;
    }

    private void SetRoute(RouteSource route)
    {
        _routes[route.Id] = route;
        _dirtyRoutes.Add(route.Id);
    }

    /// <summary>A Service's own facets, and every route whose binding or backend resolution read it.</summary>
    private void ServiceChanged(ObjectKey key)
    {
        _dirtyFrontends.Add(key);
        _dirtyBackends.Add(key);
        _dirtyRoutes.UnionWith(_routesByParent[key]);
        _dirtyRoutes.UnionWith(_routesByBackend[key]);
    }

    /// <summary>Grants decide only cross-namespace backendRefs, from the namespaces they name, into theirs.</summary>
    private void GrantChanged(string grantNamespace, ReferenceGrant grant)
    {
        if (!requireReferenceGrants)
        {
            return;
        }
        var from = grant.Spec.From.Select(f => f.Namespace).ToHashSet(StringComparer.Ordinal);
        _dirtyRoutes.UnionWith(_routesByGrantNamespace[grantNamespace].Where(id => from.Contains(id.Key.Namespace)));
    }

    private void Index(RouteId id, RouteTranslation translation)
    {
        foreach (var service in translation.ParentServices)
        {
            _routesByParent.Add(service, id);
        }
        foreach (var service in translation.BackendServices)
        {
            _routesByBackend.Add(service, id);
        }
        foreach (var ns in translation.GrantNamespaces)
        {
            _routesByGrantNamespace.Add(ns, id);
        }
        foreach (var service in translation.AttachedServices)
        {
            _routesAttached.Add(service, id);
            _dirtyFrontends.Add(service);
        }
    }

    private void Unindex(RouteId id, RouteTranslation translation)
    {
        foreach (var service in translation.ParentServices)
        {
            _routesByParent.Remove(service, id);
        }
        foreach (var service in translation.BackendServices)
        {
            _routesByBackend.Remove(service, id);
        }
        foreach (var ns in translation.GrantNamespaces)
        {
            _routesByGrantNamespace.Remove(ns, id);
        }
        foreach (var service in translation.AttachedServices)
        {
            _routesAttached.Remove(service, id);
            _dirtyFrontends.Add(service);
        }
    }

    private static ObjectKey? ServiceOf(EndpointSlice slice) =>
        slice.ServiceName is { } name ? new ObjectKey(slice.Metadata.Namespace ?? "default", name) : null;

    private static ObjectKey KeyOf(ObjectMeta metadata) => new(metadata.Namespace ?? "default", metadata.Name);
}
