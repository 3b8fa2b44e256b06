namespace Mesh.Conformance.Tests.Harness;

/// <summary>
/// What one request must produce. Beyond the upstream harness's checks (status, the backend pod's name
/// prefix, request headers as the backend received them, response headers) it can check the exact
/// redirect Location and the path the backend received.
/// </summary>
public sealed record Expect
{
    public IReadOnlyList<int> Statuses { get; init; } = [200];

    /// <summary>The serving pod's name starts with this (e.g. "echo-v1"), as upstream's Backend.</summary>
    public string? Backend { get; init; }

    /// <summary>The serving pod's namespace.</summary>
    public string? BackendNamespace { get; init; }

    /// <summary>The request target (path and query) the backend received.</summary>
    public string? BackendPath { get; init; }

    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> AbsentRequestHeaders { get; init; } = [];
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> AbsentResponseHeaders { get; init; } = [];

    /// <summary>The exact Location of a redirect.</summary>
    public string? Location { get; init; }

    public static Expect Status(params int[] statuses) => new() { Statuses = statuses };

    public static Expect Ok(string? backend = null) => new() { Backend = backend };

    public static Expect Redirect(int status, string location) => new() { Statuses = [status], Location = location };

    public IReadOnlyList<string> Mismatches(EchoResponse r)
    {
        var wrong = new List<string>();
        if (!Statuses.Contains(r.Status))
        {
            wrong.Add($"status {r.Status}, expected {string.Join("|", Statuses)}");
        }
        if (r.IsGrpc && Statuses.Contains(200) && r.GrpcStatus != 0)
        {
            wrong.Add($"grpc-status {r.GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, expected 0");
        }
        if (Backend is not null && !(r.Pod?.StartsWith(Backend + "-", StringComparison.Ordinal) ?? false))
        {
            wrong.Add($"served by {r.Pod ?? "no echo"}, expected {Backend}-*");
        }
        if (BackendNamespace is not null && r.Namespace != BackendNamespace)
        {
            wrong.Add($"served from namespace {r.Namespace ?? "-"}, expected {BackendNamespace}");
        }
        if (BackendPath is not null && r.BackendPath != BackendPath)
        {
            wrong.Add($"backend saw path {r.BackendPath ?? "-"}, expected {BackendPath}");
        }
        foreach (var (name, value) in RequestHeaders)
        {
            var seen = r.RequestHeader(name);
            if (seen != value)
            {
                wrong.Add($"backend saw {name}: {seen ?? "(absent)"}, expected {value}");
            }
        }
        foreach (var name in AbsentRequestHeaders)
        {
            if (r.RequestHeader(name) is { } seen)
            {
                wrong.Add($"backend saw {name}: {seen}, expected it absent");
            }
        }
        foreach (var (name, value) in ResponseHeaders)
        {
            var seen = r.ResponseHeader(name);
            if (seen != value)
            {
                wrong.Add($"response {name}: {seen ?? "(absent)"}, expected {value}");
            }
        }
        foreach (var name in AbsentResponseHeaders)
        {
            if (r.ResponseHeader(name) is { } seen)
            {
                wrong.Add($"response {name}: {seen}, expected it absent");
            }
        }
        if (Location is not null && r.ResponseHeader("Location") != Location)
        {
            wrong.Add($"Location {r.ResponseHeader("Location") ?? "(absent)"}, expected {Location}");
        }
        return wrong;
    }
}
