using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// An upstream's answer once its head has arrived, whichever client carried it: the status retries and
/// ejection go by, and the relay of the rest to the client. Disposing it without relaying drops it.
/// </summary>
internal interface IUpstreamAnswer : IDisposable
{
    /// <summary>The HTTP status the answer counts as (a trailers-only gRPC failure counts as the status it stands for).</summary>
    int EquivalentStatus { get; }

    /// <summary>Sends the status, headers (with the plan's response modifiers), body and trailers to the client.</summary>
    ValueTask RelayAsync(HttpContext context, ForwardPlan plan, CancellationToken ct);
}
