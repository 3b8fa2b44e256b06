using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// A response SocketsHttpHandler carried (h2c, upgrades, streamed request bodies): relayed with its
/// trailers, or, after 101 Switching Protocols, turned into a two-way tunnel.
/// </summary>
internal sealed class HttpClientAnswer(HttpResponseMessage response) : IUpstreamAnswer
{
    public int EquivalentStatus { get; } = GrpcTrailersOnly.EquivalentStatus(response);

    public async ValueTask RelayAsync(HttpContext context, ForwardPlan plan, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols && TunnelUpgrade.IsRequested(context)
            && context.Features.Get<IHttpUpgradeFeature>() is { } upgrade)
        {
            await TunnelAsync(context, upgrade).ConfigureAwait(false);
            return;
        }
        await CopyResponseAsync(context, plan, ct).ConfigureAwait(false);
    }

    public void Dispose() => response.Dispose();

    /// <summary>After 101 Switching Protocols both sides are raw streams: relay bytes both ways until either closes.</summary>
    private async Task TunnelAsync(HttpContext context, IHttpUpgradeFeature upgrade)
    {
        CopyHeaders(response.Headers, context.Response.Headers);
        if (response.Headers.Upgrade.Count > 0)
        {
            context.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
        }
        var client = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var backend = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        await using (backend.ConfigureAwait(false))
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var up = Relay(client, backend, done.Token);
            var down = Relay(backend, client, done.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }

        static async Task Relay(Stream from, Stream to, CancellationToken ct)
        {
            try
            {
                await from.CopyToAsync(to, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // One side closed or broke: the tunnel ends.
            }
        }
    }

    private async Task CopyResponseAsync(HttpContext context, ForwardPlan plan, CancellationToken ct)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Headers, outgoing.Headers);
        CopyHeaders(response.Content.Headers, outgoing.Headers);
        foreach (var modifier in plan.ResponseHeaders)
        {
            modifier.Apply(outgoing.Headers);
        }
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.CopyToAsync(outgoing.Body, ct).ConfigureAwait(false);
            }
            // SupportsTrailers first: reading TrailingHeaders creates a collection, and HTTP/1.1 clients can't take one.
            if (outgoing.SupportsTrailers() && response.TrailingHeaders.NonValidated.Count > 0)
            {
                foreach (var (name, values) in response.TrailingHeaders)
                {
                    outgoing.AppendTrailer(name, values.ToArray());
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The upstream or the client broke mid-body, or the request timeout ran out: end abruptly so the client sees it.
            context.Abort();
        }
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        var connection = from.NonValidated.TryGetValues("Connection", out var options) ? options.ToString() : null;
        foreach (var (name, values) in from.NonValidated)
        {
            if (!HopByHopHeaders.IsHopByHop(name) && !HopByHopHeaders.IsNamedBy(connection, name))
            {
                to[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
            }
        }
    }
}
