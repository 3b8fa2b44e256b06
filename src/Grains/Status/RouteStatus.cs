using Mesh.Grains.Model;

namespace Mesh.Grains.Status;

/// <summary>The status Mesh owns on a route: one entry per Service parent.</summary>
public sealed record RouteStatus
{
    public List<RouteParentStatus> Parents { get; init; } = [];
}

public sealed record RouteParentStatus
{
    public ParentReference ParentRef { get; init; } = new();
    public string ControllerName { get; init; } = MeshController.Name;
    public List<Condition> Conditions { get; init; } = [];
}

/// <summary>A metav1.Condition.</summary>
public sealed record Condition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public long? ObservedGeneration { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";
}

public static class MeshController
{
    /// <summary>The controllerName Mesh writes in route status.</summary>
    public const string Name = "mesh.dev/gamma-controller";
}

/// <summary>Condition types and reasons from the Gateway API route status conventions.</summary>
public static class RouteConditions
{
    public const string Accepted = "Accepted";
    public const string ResolvedRefs = "ResolvedRefs";

    public static class Reasons
    {
        public const string Accepted = "Accepted";
        public const string NoMatchingParent = "NoMatchingParent";
        public const string UnsupportedValue = "UnsupportedValue";
        public const string ResolvedRefs = "ResolvedRefs";
        public const string BackendNotFound = "BackendNotFound";
        public const string InvalidKind = "InvalidKind";
        public const string RefNotPermitted = "RefNotPermitted";
        public const string UnsupportedProtocol = "UnsupportedProtocol";
    }
}
