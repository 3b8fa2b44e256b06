using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Status;

namespace Mesh.Grains.Binding;

/// <summary>
/// The GAMMA translation, as one pure function: cluster objects in, per-Service facets and route status out.
/// Inputs are ordered before use, so the result does not depend on the order objects arrived in.
/// </summary>
public static class MeshTranslator
{
    public static MeshState Translate(MeshSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var services = new SortedDictionary<ObjectKey, Service>();
        foreach (var service in snapshot.Services)
        {
            services[KeyOf(service.Metadata)] = service;
        }
        var resolver = new BackendResolver(services, snapshot.ReferenceGrants, snapshot.RequireReferenceGrants);
        var groups = new Dictionary<GroupKey, List<RouteEntryCandidate>>();
        var state = new MeshState { Workloads = TranslateWorkloads(snapshot.Pods) };

        var routes = snapshot.HttpRoutes.Select(RouteSource.From)
            .Concat(snapshot.GrpcRoutes.Select(RouteSource.From))
            .OrderBy(r => r.Key)
            .ThenBy(r => r.Kind, StringComparer.Ordinal);
        foreach (var invalid in snapshot.InvalidRoutes)
        {
            AddRejection(state, invalid.Kind, invalid.Metadata, invalid.ParentRefs, invalid.Message);
        }
        foreach (var route in routes)
        {
            var parents = route.ParentRefs?.Where(ServiceParentBinding.IsServiceParent).ToList();
            if (parents is not { Count: > 0 })
            {
                continue; // Not a mesh route: its Gateway parents belong to other controllers.
            }
            if (RegexCheck.FirstProblem(route) is { } regexProblem)
            {
                AddRejection(state, route.Kind, route.Metadata, route.ParentRefs, regexProblem);
                continue;
            }
            var backends = route.Rules
                .Select(rule => (rule.BackendRefs ?? []).Select(b => resolver.Resolve(route.Namespace, route.Kind, b)).ToList())
                .ToList();
            var resolvedRefs = ResolvedRefsCondition(route, backends);
            var status = new RouteStatus();
            var attached = new HashSet<GroupKey>();
            foreach (var parent in parents)
            {
                var binding = ServiceParentBinding.Bind(route.Namespace, parent, services);
                status.Parents.Add(new RouteParentStatus
                {
                    ParentRef = parent,
                    Conditions = [AcceptedCondition(route, binding), resolvedRefs],
                });
                if (binding.RejectedReason is not null)
                {
                    continue;
                }
                foreach (var port in binding.Ports)
                {
                    // Two parentRefs of one route naming the same Service port add its rules once.
                    var group = new GroupKey(binding.Service, port.Port, binding.IsProducer ? null : route.Namespace);
                    if (attached.Add(group))
                    {
                        AddCandidates(groups, group, route, backends);
                    }
                }
            }
            state.RouteStatuses[MeshState.StatusKey(route.Kind, route.Key)] = status;
        }

        // Index once, so each Service looks only at its own groups and slices (linear, not quadratic, in cluster size).
        var groupsByService = groups.GroupBy(g => g.Key.Service).ToDictionary(g => g.Key, g => g.ToList());
        var slicesByService = snapshot.EndpointSlices
            .Where(s => s.ServiceName is not null)
            .GroupBy(s => new ObjectKey(s.Metadata.Namespace ?? "default", s.ServiceName!))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (key, service) in services)
        {
            state.Frontends[key.ToString()] = TranslateFrontend(key, service, groupsByService.GetValueOrDefault(key) ?? []);
            state.Backends[key.ToString()] = TranslateBackend(key, service, slicesByService.GetValueOrDefault(key) ?? []);
        }
        return state;
    }

    /// <summary>Status for a refused route: Accepted=False/UnsupportedValue on each of its Service parents.</summary>
    private static void AddRejection(MeshState state, string kind, ObjectMeta metadata, List<ParentReference>? parentRefs, string message)
    {
        var parents = parentRefs?.Where(ServiceParentBinding.IsServiceParent).ToList();
        if (parents is not { Count: > 0 })
        {
            return;
        }
        state.RouteStatuses[MeshState.StatusKey(kind, KeyOf(metadata))] = new RouteStatus
        {
            Parents = parents.Select(parent => new RouteParentStatus
            {
                ParentRef = parent,
                Conditions =
                [
                    new Condition
                    {
                        Type = RouteConditions.Accepted,
                        Status = "False",
                        Reason = RouteConditions.Reasons.UnsupportedValue,
                        Message = message,
                        ObservedGeneration = metadata.Generation,
                    },
                ],
            }).ToList(),
        };
    }

    private static void AddCandidates(Dictionary<GroupKey, List<RouteEntryCandidate>> groups, GroupKey group, RouteSource route,
        List<List<ResolvedBackend>> backends)
    {
        if (!groups.TryGetValue(group, out var entries))
        {
            groups[group] = entries = [];
        }
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            var rule = route.Rules[ruleIndex];
            for (var matchIndex = 0; matchIndex < rule.Matches.Count; matchIndex++)
            {
                entries.Add(new RouteEntryCandidate(
                    route.Kind,
                    new MatchCandidate(route.Metadata, ruleIndex, matchIndex, rule.Matches[matchIndex]),
                    rule.GrpcMatches is { } grpc ? new GrpcMatchCandidate(route.Metadata, ruleIndex, matchIndex, grpc[matchIndex]) : null,
                    rule,
                    backends[ruleIndex]));
            }
        }
    }

    private static FrontendFacet TranslateFrontend(ObjectKey key, Service service, List<KeyValuePair<GroupKey, List<RouteEntryCandidate>>> groups)
    {
        var ports = new List<FrontendPort>();
        foreach (var port in service.Spec.Ports.OrderBy(p => p.Port))
        {
            var frontendPort = new FrontendPort
            {
                Port = port.Port,
                Name = port.Name,
                AppProtocol = port.AppProtocol,
                Producer = groups.FirstOrDefault(g => g.Key == new GroupKey(key, port.Port, null)).Value is { } producer ? Merge(producer) : null,
            };
            foreach (var (group, entries) in groups)
            {
                if (group.Port == port.Port && group.ConsumerNamespace is { } consumer)
                {
                    frontendPort.Consumers[consumer] = Merge(entries);
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

    /// <summary>Orders one group's matches by their kind's precedence and turns them into route entries.</summary>
    private static RouteGroup Merge(List<RouteEntryCandidate> candidates) => new()
    {
        Entries = candidates
            .Where(c => c.Kind == RouteKinds.Http)
            .OrderBy(c => c.Http, RoutePrecedence.Instance)
            .Select(ToEntry)
            .ToList(),
        GrpcEntries = candidates
            .Where(c => c.Kind == RouteKinds.Grpc)
            .OrderBy(c => c.Grpc!, GrpcPrecedence.Instance)
            .Select(ToEntry)
            .ToList(),
    };

    private static RouteEntry ToEntry(RouteEntryCandidate c) => new()
    {
        Route = c.Http.RouteKey,
        Kind = c.Kind,
        RuleIndex = c.Http.RuleIndex,
        RuleName = c.Rule.Name,
        MatchIndex = c.Http.MatchIndex,
        Match = c.Http.Match,
        Filters = c.Rule.Filters,
        Backends = c.Backends,
        Timeouts = c.Rule.Timeouts,
        Retry = c.Rule.Retry,
    };

    private static BackendFacet TranslateBackend(ObjectKey key, Service service, List<EndpointSlice> slices)
    {
        var ports = new List<BackendPort>();
        foreach (var servicePort in service.Spec.Ports.OrderBy(p => p.Port))
        {
            var endpoints = new SortedDictionary<(string, int), BackendEndpoint>();
            foreach (var slice in slices)
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

    private static WorkloadDirectory TranslateWorkloads(IReadOnlyList<Pod> pods) => new()
    {
        Workloads = pods
            .Where(p => p.Status?.PodIP is { Length: > 0 } && p.Status.Phase is not ("Succeeded" or "Failed"))
            .Select(p => new Workload { Address = p.Status!.PodIP!, Namespace = p.Metadata.Namespace ?? "default", Pod = p.Metadata.Name })
            .OrderBy(w => w.Address, StringComparer.Ordinal)
            .ThenBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Pod, StringComparer.Ordinal)
            .ToList(),
    };

    private static Condition AcceptedCondition(RouteSource route, ServiceParentBinding binding) => new()
    {
        Type = RouteConditions.Accepted,
        Status = binding.RejectedReason is null ? "True" : "False",
        Reason = binding.RejectedReason ?? RouteConditions.Reasons.Accepted,
        Message = binding.Message,
        ObservedGeneration = route.Metadata.Generation,
    };

    private static Condition ResolvedRefsCondition(RouteSource route, List<List<ResolvedBackend>> backends)
    {
        var failed = backends.SelectMany(b => b).FirstOrDefault(b => b.Unresolved is not null);
        return new Condition
        {
            Type = RouteConditions.ResolvedRefs,
            Status = failed is null ? "True" : "False",
            Reason = failed?.Unresolved ?? RouteConditions.Reasons.ResolvedRefs,
            Message = failed is null
                ? "All backendRefs resolved."
                : $"backendRef {failed.Service} port {failed.Port} not resolved: {failed.Unresolved}.",
            ObservedGeneration = route.Metadata.Generation,
        };
    }

    private static ObjectKey KeyOf(ObjectMeta metadata) => new(metadata.Namespace ?? "default", metadata.Name);

    private readonly record struct GroupKey(ObjectKey Service, int Port, string? ConsumerNamespace);

    private sealed record RouteEntryCandidate(string Kind, MatchCandidate Http, GrpcMatchCandidate? Grpc, RuleSource Rule, List<ResolvedBackend> Backends);
}
