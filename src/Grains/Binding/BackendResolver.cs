using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>Resolves backendRefs to Service ports, keeping unresolvable ones (with their weight) for a 500 share.</summary>
public sealed class BackendResolver(
    IReadOnlyDictionary<ObjectKey, Service> services,
    Func<string, IEnumerable<ReferenceGrant>> grantsIn,
    bool requireReferenceGrants)
{
    public ResolvedBackend Resolve(string routeNamespace, string routeKind, HttpBackendRef backendRef)
    {
        var key = new ObjectKey(backendRef.Namespace ?? routeNamespace, backendRef.Name);
        var resolved = new ResolvedBackend
        {
            Service = key.ToString(),
            Port = backendRef.Port ?? 0,
            Weight = backendRef.Weight ?? 1,
            Filters = backendRef.Filters,
        };

        if ((backendRef.Group ?? "") is not ("" or "core") || (backendRef.Kind ?? "Service") != "Service")
        {
            return resolved with { Unresolved = RouteConditions.Reasons.InvalidKind };
        }
        if (key.Namespace != routeNamespace && requireReferenceGrants && !IsGranted(routeNamespace, routeKind, key))
        {
            return resolved with { Unresolved = RouteConditions.Reasons.RefNotPermitted };
        }
        if (!services.TryGetValue(key, out var service) || backendRef.Port is not { } port
            || service.Spec.Ports.Find(p => p.Port == port) is not { } servicePort)
        {
            return resolved with { Unresolved = RouteConditions.Reasons.BackendNotFound };
        }
        if (!BackendProtocols.CanCarryHttp(servicePort.AppProtocol))
        {
            return resolved with { Unresolved = RouteConditions.Reasons.UnsupportedProtocol };
        }
        return resolved;
    }

    /// <summary>A ReferenceGrant in the target namespace lets routes of this kind from the route's namespace refer to the Service.</summary>
    private bool IsGranted(string fromNamespace, string routeKind, ObjectKey target) =>
        grantsIn(target.Namespace).Any(grant => grant.Spec.From.Any(from => from.Group == "gateway.networking.k8s.io" && from.Kind == routeKind
                && from.Namespace == fromNamespace)
            && grant.Spec.To.Any(to => to.Group is "" or "core" && to.Kind == "Service"
                && (string.IsNullOrEmpty(to.Name) || to.Name == target.Name)));
}
