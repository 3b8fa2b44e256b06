using System.Text.Json.Nodes;
using Mesh.Grains.Model;
using Mesh.Grains.State;
using Mesh.Grains.Status;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Binding;

/// <summary>
/// What one route contributes to the mesh: its status, the groups it attaches its matches to, and what
/// it read to decide (the Services its parentRefs and backendRefs name, the namespaces whose
/// ReferenceGrants it needs). Those reads are what the incremental translation indexes it by: when one
/// of them changes, this route is translated again, and nothing else about it can change the result.
/// </summary>
internal sealed record RouteTranslation(
    RouteStatus? Status,
    IReadOnlyList<RouteAttachment> Attachments,
    IReadOnlyList<ObjectKey> ParentServices,
    IReadOnlyList<ObjectKey> BackendServices,
    IReadOnlyList<string> GrantNamespaces)
{
    private static readonly RouteTranslation Nothing = new(null, [], [], [], []);

    /// <summary>The Services whose frontend this route appears in.</summary>
    public IReadOnlyList<ObjectKey> AttachedServices
    {
        get
        {
            var services = new List<ObjectKey>(1);
            foreach (var attachment in Attachments)
            {
                AddOnce(services, attachment.Group.Service);
            }
            return services;
        }
    }

    public static RouteTranslation Of(RouteSource route, IReadOnlyDictionary<ObjectKey, Service> services, BackendResolver resolver)
    {
        var parents = ServiceParents(route.ParentRefs);
        if (parents.Count == 0)
        {
            return Nothing; // Not a mesh route: its Gateway parents belong to other controllers.
        }
        if ((route.Refused ?? RegexCheck.FirstProblem(route) ?? WrittenValueCheck.FirstProblem(route) ?? PrefixReplacementCheck.FirstProblem(route)) is { } refusal)
        {
            // A refused route's parentRefs may be broken themselves; status names only those the API server would take.
            var named = parents.FindAll(IsWellFormed);
            return named.Count == 0 ? Nothing : Nothing with { Status = Rejection(route.Metadata, named, refusal) };
        }

        var backends = new List<List<ResolvedBackend>>(route.Rules.Count);
        var backendServices = new List<ObjectKey>();
        var grantNamespaces = new List<string>();
        var unresolvedMirrors = new List<ResolvedBackend>();
        List<RuleSource>? changedRules = null; // A copy only once a rule's mirrors changed.
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            var rule = route.Rules[ruleIndex];
            var resolved = new List<ResolvedBackend>(rule.BackendRefs?.Count ?? 0);
            foreach (var backendRef in rule.BackendRefs ?? [])
            {
                var backend = resolver.Resolve(route.Namespace, route.Kind, backendRef);
                resolved.Add(backend with { Filters = WithResolvedMirrors(route, resolver, backend.Filters, unresolvedMirrors, backendServices, grantNamespaces) });
                Reference(route, backendRef, backendServices, grantNamespaces);
            }
            backends.Add(resolved);
            var filters = WithResolvedMirrors(route, resolver, rule.Filters, unresolvedMirrors, backendServices, grantNamespaces);
            if (!ReferenceEquals(filters, rule.Filters))
            {
                (changedRules ??= [.. route.Rules])[ruleIndex] = rule with { Filters = filters };
            }
        }
        if (changedRules is not null)
        {
            route = route with { Rules = changedRules };
        }
        var resolvedRefs = ResolvedRefsCondition(route, backends, unresolvedMirrors);
        var status = new RouteStatus { Parents = new List<RouteParentStatus>(parents.Count) };
        var attachments = new List<RouteAttachment>();
        var parentServices = new List<ObjectKey>(parents.Count);
        List<RouteEntryCandidate>? candidates = null; // The same for every group: built once, shared (never changed after).
        foreach (var parent in parents)
        {
            var binding = ServiceParentBinding.Bind(route.Namespace, parent, services);
            AddOnce(parentServices, binding.Service);
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
                if (!IsAttached(attachments, group))
                {
                    attachments.Add(new RouteAttachment(group, candidates ??= Candidates(route, backends)));
                }
            }
        }
        return new RouteTranslation(status, attachments, parentServices, backendServices, grantNamespaces);
    }

    private static List<ParentReference> ServiceParents(List<ParentReference>? parentRefs)
    {
        var parents = new List<ParentReference>(parentRefs?.Count ?? 0);
        foreach (var parent in parentRefs ?? [])
        {
            if (ServiceParentBinding.IsServiceParent(parent))
            {
                parents.Add(parent);
            }
        }
        return parents;
    }

    private static bool IsWellFormed(ParentReference parent) =>
        KubernetesJson.ToNode(parent) is JsonObject written && GatewayApiValidation.IsWellFormedParentRef(written);

    private static bool IsAttached(List<RouteAttachment> attachments, GroupKey group)
    {
        foreach (var attachment in attachments)
        {
            if (attachment.Group == group)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Notes a backendRef's Service (and its namespace, if another's) for the incremental translator's indexes.</summary>
    private static void Reference(RouteSource route, HttpBackendRef backendRef, List<ObjectKey> backendServices, List<string> grantNamespaces)
    {
        var target = new ObjectKey(backendRef.Namespace ?? route.Namespace, backendRef.Name);
        AddOnce(backendServices, target);
        if (target.Namespace != route.Namespace)
        {
            AddOnce(grantNamespaces, target.Namespace);
        }
    }

    /// <summary>
    /// The filters without RequestMirrors whose backendRef does not resolve (missing, of another kind, or in another
    /// namespace without a grant): the spec has ResolvedRefs=False for those and the backend not configured, so
    /// nothing is mirrored to it. The same list when every mirror resolves (or there is none).
    /// </summary>
    private static List<HttpRouteFilter>? WithResolvedMirrors(RouteSource route, BackendResolver resolver, List<HttpRouteFilter>? filters,
        List<ResolvedBackend> unresolved,
        List<ObjectKey> backendServices, List<string> grantNamespaces)
    {
        List<HttpRouteFilter>? kept = null;
        for (var i = 0; i < (filters?.Count ?? 0); i++)
        {
            if (filters![i].RequestMirror?.BackendRef is not { } mirrorRef)
            {
                kept?.Add(filters[i]);
                continue;
            }
            Reference(route, mirrorRef, backendServices, grantNamespaces);
            var mirror = resolver.Resolve(route.Namespace, route.Kind, mirrorRef);
            if (mirror.Unresolved is null)
            {
                kept?.Add(filters[i]);
                continue;
            }
            unresolved.Add(mirror);
            kept ??= filters.GetRange(0, i);
        }
        return kept ?? filters;
    }

    private static void AddOnce<T>(List<T> list, T item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    /// <summary>Every match of every rule, in rule and match order.</summary>
    private static List<RouteEntryCandidate> Candidates(RouteSource route, List<List<ResolvedBackend>> backends)
    {
        var entries = new List<RouteEntryCandidate>();
        for (var ruleIndex = 0; ruleIndex < route.Rules.Count; ruleIndex++)
        {
            var rule = route.Rules[ruleIndex];
            for (var matchIndex = 0; matchIndex < rule.Matches.Count; matchIndex++)
            {
                entries.Add(new RouteEntryCandidate(
                    route.Kind,
                    route.RouteKey,
                    new MatchCandidate(route.Metadata, ruleIndex, matchIndex, rule.Matches[matchIndex]),
                    rule.GrpcMatches is { } grpc ? new GrpcMatchCandidate(route.Metadata, ruleIndex, matchIndex, grpc[matchIndex]) : null,
                    rule,
                    backends[ruleIndex]));
            }
        }
        return entries;
    }

    /// <summary>Status for a refused route: Accepted=False/UnsupportedValue on each of its Service parents.</summary>
    private static RouteStatus Rejection(ObjectMeta metadata, List<ParentReference> parents, string message) => new()
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
                    Message = ConditionMessage.Fit(message),
                    ObservedGeneration = metadata.Generation,
                },
            ],
        }).ToList(),
    };

    private static Condition AcceptedCondition(RouteSource route, ServiceParentBinding binding) => new()
    {
        Type = RouteConditions.Accepted,
        Status = binding.RejectedReason is null ? "True" : "False",
        Reason = binding.RejectedReason ?? RouteConditions.Reasons.Accepted,
        Message = binding.Message,
        ObservedGeneration = route.Metadata.Generation,
    };

    private static Condition ResolvedRefsCondition(RouteSource route, List<List<ResolvedBackend>> backends, List<ResolvedBackend> unresolvedMirrors)
    {
        var failed = backends.SelectMany(b => b).FirstOrDefault(b => b.Unresolved is not null);
        var mirror = failed is null ? unresolvedMirrors.FirstOrDefault() : null;
        return new Condition
        {
            Type = RouteConditions.ResolvedRefs,
            Status = failed is null && mirror is null ? "True" : "False",
            Reason = failed?.Unresolved ?? mirror?.Unresolved ?? RouteConditions.Reasons.ResolvedRefs,
            Message = failed is not null ? $"backendRef {failed.Service} port {failed.Port} not resolved: {failed.Unresolved}."
                : mirror is not null ? $"requestMirror backendRef {mirror.Service} port {mirror.Port} not resolved: {mirror.Unresolved}; nothing is mirrored to it."
                : "All backendRefs resolved.",
            ObservedGeneration = route.Metadata.Generation,
        };
    }
}
