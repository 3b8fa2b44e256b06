namespace Mesh.Gateway.Tables;

/// <summary>The merged routes of one group, compiled, in precedence order: the first entry that matches wins.</summary>
public sealed class CompiledGroup(CompiledEntry[] entries)
{
    public CompiledEntry[] Entries { get; } = entries;
}

/// <summary>One route match and what to do with requests it matches.</summary>
public sealed class CompiledEntry(string route, int ruleIndex, RequestMatcher matcher, RouteAction action)
{
    /// <summary>"namespace/name" of the route, for logs and metrics.</summary>
    public string Route { get; } = route;
    public int RuleIndex { get; } = ruleIndex;
    public RequestMatcher Matcher { get; } = matcher;
    public RouteAction Action { get; } = action;
}
