using System.Text;
using System.Text.Json;
using Mesh.Grains.Model;
using Mesh.Grains.Subscription;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Mesh.Silo.Subscriptions;

/// <summary>Serves the long-lived subscription stream to proxies (see docs/subscription-protocol.md).</summary>
public static class SubscriptionEndpoint
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SubscriptionProtocol.Path, ServeAsync);
        return endpoints;
    }

    private static async Task ServeAsync(HttpContext context, SubscriptionHub hub, IHostApplicationLifetime lifetime)
    {
        // Streams end when the proxy goes away or this silo stops, so shutdown never waits on them.
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = scope.Token;
        var request = await ReadRequestAsync(context.Request.Body, ct).ConfigureAwait(false);
        if (request is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The first line of the body must be a SubscribeRequest JSON object.\n", ct).ConfigureAwait(false);
            return;
        }
        await hub.Initialized.WaitAsync(ct).ConfigureAwait(false);

        context.Response.ContentType = SubscriptionProtocol.ContentType;
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        var subscriber = hub.Subscribe(request);
        try
        {
            var synced = false;
            while (!ct.IsCancellationRequested)
            {
                foreach (var message in hub.TakePending(subscriber))
                {
                    await WriteAsync(context.Response, message, ct).ConfigureAwait(false);
                }
                if (!synced)
                {
                    synced = true;
                    await WriteAsync(context.Response, new SubscriptionMessage { Type = MessageType.Synced }, ct).ConfigureAwait(false);
                }
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                if (!await WaitForWorkAsync(subscriber, ct).ConfigureAwait(false))
                {
                    await WriteAsync(context.Response, new SubscriptionMessage { Type = MessageType.Heartbeat }, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The proxy went away.
        }
        finally
        {
            hub.Unsubscribe(subscriber);
        }
    }

    /// <summary>True when there is something to send; false when the heartbeat interval passed first.</summary>
    private static async Task<bool> WaitForWorkAsync(Subscriber subscriber, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HeartbeatInterval);
        try
        {
            await subscriber.Wake.ReadAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<SubscribeRequest?> ReadRequestAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, leaveOpen: true);
        var line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<SubscribeRequest>(line, KubernetesJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(HttpResponse response, SubscriptionMessage message, CancellationToken ct) =>
        await response.Body.WriteAsync(MessageEncoder.Encode(message), ct).ConfigureAwait(false);
}
