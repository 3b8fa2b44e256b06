namespace Mesh.TestSupport;

/// <summary>A pod a test uses as a client: its namespace, name and address.</summary>
public sealed record Pod(string Namespace, string Name, string IP);
