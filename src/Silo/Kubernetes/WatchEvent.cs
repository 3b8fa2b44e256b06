using System.Text.Json.Nodes;

namespace Mesh.Silo.Kubernetes;

/// <summary>One event of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</summary>
public sealed record WatchEvent(string Type, JsonObject Object);

/// <summary>The items of a list and the resourceVersion to watch from.</summary>
public sealed record ListResult(IReadOnlyList<JsonObject> Items, string ResourceVersion);
