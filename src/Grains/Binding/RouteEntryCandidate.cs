using Mesh.Grains.State;

namespace Mesh.Grains.Binding;

/// <summary>One match of one rule of a route, attached to a group and waiting to be merged in precedence order.</summary>
internal sealed record RouteEntryCandidate(
    string Kind, string RouteKey, MatchCandidate Http, GrpcMatchCandidate? Grpc, RuleSource Rule, List<ResolvedBackend> Backends)
{
    public RouteEntry ToEntry() => new()
    {
        Route = RouteKey,
        Kind = Kind,
        RuleIndex = Http.RuleIndex,
        RuleName = Rule.Name,
        MatchIndex = Http.MatchIndex,
        Match = Http.Match,
        Filters = Rule.Filters,
        Backends = Backends,
        Timeouts = Rule.Timeouts,
        Retry = Rule.Retry,
    };
}
