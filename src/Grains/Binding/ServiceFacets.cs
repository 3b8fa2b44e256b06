using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Binding;

/// <summary>
/// Builds one Service's two facets from what is attached to it: the route matches of its groups (frontend)
/// and its EndpointSlices (backend). Depends only on its arguments, in any order, so the full and the
/// incremental translation build the same facet from the same inputs.
/// </summary>
internal static class ServiceFacets
{
    public static FrontendFacet Frontend(ObjectKey key, Service service, IEnumerable<RouteAttachment> attachments)
    {
        var byGroup = new Dictionary<GroupKey, List<RouteEntryCandidate>>();
        foreach (var attachment in attachments)
        {
            if (!byGroup.TryGetValue(attachment.Group, out var candidates))
            {
                byGroup[attachment.Group] = candidates = [];
            }
            candidates.AddRange(attachment.Candidates);
        }
        var ports = new List<FrontendPort>(service.Spec.Ports.Count);
        foreach (var port in service.Spec.Ports.OrderBy(p => p.Port))
        {
            var frontendPort = new FrontendPort
            {
                Port = port.Port,
                Name = port.Name,
                AppProtocol = port.AppProtocol,
                Producer = byGroup.TryGetValue(new GroupKey(key, port.Port, null), out var producer) ? Merge(producer) : null,
            };
            foreach (var (group, candidates) in byGroup)
            {
                if (group.Port == port.Port && group.ConsumerNamespace is { } consumer)
                {
                    frontendPort.Consumers[consumer] = Merge(candidates);
                }
            }
            ports.Add(frontendPort);
        }
        return new FrontendFacet
        {
            Namespace = key.Namespace,
            Name = key.Name,
            ClusterIP = service.Spec.ClusterIP is { Length: > 0 } ip && ip != "None" ? ip : null,
            Ports = ports,
        };
    }

    /// <summary>Orders one group's matches by their kind's precedence (a total order) and turns them into route entries.</summary>
    private static RouteGroup Merge(List<RouteEntryCandidate> candidates)
    {
        var http = new List<RouteEntryCandidate>(candidates.Count);
        var grpc = new List<RouteEntryCandidate>();
        foreach (var candidate in candidates)
        {
            (candidate.Kind == RouteKinds.Grpc ? grpc : http).Add(candidate);
        }
        // Distinct candidates never compare equal (route, rule and match settle every tie), so an unstable sort is exact.
        http.Sort(static (x, y) => RoutePrecedence.Instance.Compare(x.Http, y.Http));
        grpc.Sort(static (x, y) => GrpcPrecedence.Instance.Compare(x.Grpc, y.Grpc));
        return new RouteGroup { Entries = http.ConvertAll(c => c.ToEntry()), GrpcEntries = grpc.ConvertAll(c => c.ToEntry()) };
    }

    /// <summary>The endpoints of each Service port; slices are read in name order, so a duplicate address resolves the same way every time.</summary>
    public static BackendFacet Backend(ObjectKey key, Service service, IEnumerable<EndpointSlice> slices)
    {
        var ordered = slices.OrderBy(s => new ObjectKey(s.Metadata.Namespace ?? "default", s.Metadata.Name)).ToList();
        var ports = new List<BackendPort>(service.Spec.Ports.Count);
        foreach (var servicePort in service.Spec.Ports.OrderBy(p => p.Port))
        {
            var endpoints = new SortedDictionary<(string, int), BackendEndpoint>();
            foreach (var slice in ordered)
            {
                var slicePort = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == (servicePort.Name ?? ""));
                if (slicePort?.Port is not { } targetPort)
                {
                    continue;
                }
                foreach (var endpoint in slice.Endpoints ?? [])
                {
                    var ready = endpoint.Conditions?.Ready ?? true;
                    foreach (var address in endpoint.Addresses)
                    {
                        endpoints[(address, targetPort)] = new BackendEndpoint
                        {
                            Address = address,
                            Port = targetPort,
                            Ready = ready,
                            Serving = endpoint.Conditions?.Serving ?? ready,
                            Terminating = endpoint.Conditions?.Terminating ?? false,
                            Pod = endpoint.TargetRef?.Kind == "Pod" ? endpoint.TargetRef.Name : null,
                        };
                    }
                }
            }
            ports.Add(new BackendPort
            {
                Port = servicePort.Port,
                Name = servicePort.Name,
                AppProtocol = servicePort.AppProtocol,
                Endpoints = [.. endpoints.Values],
            });
        }
        return new BackendFacet { Namespace = key.Namespace, Name = key.Name, Ports = ports };
    }
}
