namespace Mesh.TestSupport;

/// <summary>What a test sends: to <see cref="Host"/> (a Service name, with an optional port, or a cluster IP).</summary>
public sealed record MeshRequest
{
    public string Host { get; init; } = "echo";
    public string Path { get; init; } = "/";
    public string Method { get; init; } = "GET";

    /// <summary>A Host header that differs from the URL's authority (the URL decides where it goes).</summary>
    public string? HostHeader { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    public string? Body { get; init; }

    /// <summary>Sent in origin form straight to the gateway (Host names the Service) instead of through it as a proxy.</summary>
    public bool OriginForm { get; init; }

    public override string ToString() =>
        $"{Method} http://{Host}{Path}" + (OriginForm ? " (origin form)" : "") + (HostHeader is null ? "" : $" Host:{HostHeader}") +
        (Headers.Count == 0 ? "" : " " + string.Join(" ", Headers.Select(h => $"{h.Name}:{h.Value}")));
}
