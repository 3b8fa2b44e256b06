using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.TestSupport;

/// <summary>
/// The answer as the client saw it, plus, when the echo answered, what the echo saw:
/// <c>{"method","path","host","proto","headers":{name:[values]},"namespace","pod"}</c>.
/// </summary>
public sealed record EchoResponse(int Status, IReadOnlyDictionary<string, string> Headers, JsonObject? Echo, string Text, int? GrpcStatus)
{
    /// <summary>The answer to a gRPC call (its grpc-status is then required).</summary>
    public bool IsGrpc { get; init; }

    /// <summary>The protocol the backend received the request over.</summary>
    public string? BackendProto => Echo?["proto"]?.GetValue<string>();

    public string? Pod => Echo?["pod"]?.GetValue<string>();

    public string? Namespace => Echo?["namespace"]?.GetValue<string>();

    /// <summary>The request target the backend received (path and query).</summary>
    public string? BackendPath => Echo?["path"]?.GetValue<string>();

    public string? BackendHost => Echo?["host"]?.GetValue<string>();

    /// <summary>All values of a request header as the backend received it, joined with "," (as the upstream harness compares them).</summary>
    public string? RequestHeader(string name)
    {
        var entry = Echo?["headers"]?.AsObject().FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        if (entry?.Value is not JsonArray values)
        {
            return null;
        }
        return string.Join(",", values.Select(v => v!.GetValue<string>()).SelectMany(v => v.Split(',')).Select(v => v.Trim()));
    }

    public string? ResponseHeader(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Status);
        if (IsGrpc)
        {
            sb.Append(" grpc-status=").Append(GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
        }
        if (Pod is not null)
        {
            sb.Append(" pod=").Append(Pod).Append(" path=").Append(BackendPath);
        }
        if (ResponseHeader("Location") is { } location)
        {
            sb.Append(" Location=").Append(location);
        }
        if (Echo is null)
        {
            sb.Append(' ').Append(Text.Length > 200 ? Text[..200] : Text.Trim());
        }
        return sb.ToString();
    }
}
