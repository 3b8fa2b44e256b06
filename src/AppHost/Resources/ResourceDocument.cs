using System.Text.Json.Nodes;

namespace Mesh.AppHost.Resources;

/// <summary>One object read from a resource file; <see cref="Source"/> names the file and document for errors.</summary>
public sealed record ResourceDocument(JsonObject Object, string Source);
