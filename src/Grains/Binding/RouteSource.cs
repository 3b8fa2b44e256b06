using Mesh.Grains.Model;
using Mesh.Grains.State;

namespace Mesh.Grains.Binding;

/// <summary>
/// A route of either kind, seen the way binding and merging need it. Built once per version of the
/// route (defaults filled in), so the incremental translation does not redo it when others change.
/// </summary>
internal sealed record RouteSource(string Kind, ObjectMeta Metadata, List<ParentReference>? ParentRefs, List<RuleSource> Rules)
{
    public string Namespace => Metadata.Namespace ?? "default";

    public ObjectKey Key => new(Namespace, Metadata.Name);

    public RouteId Id => new(Kind, Key);

    /// <summary>"namespace/name" as route entries carry it (taken once, not per entry).</summary>
    public string RouteKey { get; } = $"{Metadata.Namespace}/{Metadata.Name}";

    /// <summary>Set when the route was refused before translation (it broke a CRD rule): it then only gets that status.</summary>
    public string? Refused { get; init; }

    public static RouteSource From(InvalidRoute route) =>
        new(route.Kind, route.Metadata, route.ParentRefs, []) { Refused = route.Message };

    public static RouteSource From(HttpRoute route) => new(
        RouteKinds.Http,
        route.Metadata,
        route.Spec.ParentRefs,
        (route.Spec.Rules ?? MatchDefaults.HttpRules).Select(rule => new RuleSource(
            rule.Name, MatchDefaults.Of(rule), null, rule.Filters, rule.BackendRefs, rule.Timeouts, rule.Retry)).ToList());

    public static RouteSource From(GrpcRoute route) => new(
        RouteKinds.Grpc,
        route.Metadata,
        route.Spec.ParentRefs,
        (route.Spec.Rules ?? []).Select(rule => new RuleSource(
            rule.Name,
            GrpcMatches.Of(rule),
            rule.Matches is { Count: > 0 } matches
                ? matches.Select(m => m with { Headers = MatchDefaults.FirstOfEachName(m.Headers) }).ToList()
                : [new GrpcRouteMatch()],
            rule.Filters,
            rule.BackendRefs,
            null,
            null)).ToList());
}

/// <summary>One rule: its matches as HTTP matches (and, for GRPCRoute, as written, for precedence).</summary>
internal sealed record RuleSource(
    string? Name,
    IReadOnlyList<HttpRouteMatch> Matches,
    IReadOnlyList<GrpcRouteMatch>? GrpcMatches,
    List<HttpRouteFilter>? Filters,
    List<HttpBackendRef>? BackendRefs,
    HttpRouteTimeouts? Timeouts,
    HttpRouteRetry? Retry);
