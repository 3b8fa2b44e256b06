using System.Diagnostics;
using System.Buffers;
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
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SubscriptionProtocol.Path, ServeAsync);
        return endpoints;
    }

    private static async Task ServeAsync(HttpContext context, SubscriptionHub hub, SubscriptionOptions options, IHostApplicationLifetime lifetime)
    {
        // Streams end when the proxy goes away or this silo stops, so shutdown never waits on them.
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = scope.Token;
        // One reader for the whole request body: the first line subscribes, later lines want more Services.
        using var lines = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var request = Parse<SubscribeRequest>(await lines.ReadLineAsync(ct).ConfigureAwait(false));
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
        var wants = ReadWantsAsync(lines, hub, subscriber, ct);
        try
        {
            var synced = false;
            using var heartbeat = new HeartbeatTimer(options.HeartbeatInterval, ct);
            // Lines are copied into the response pipe and flushed once per batch: one HTTP/2 write for
            // hundreds of messages, not one each.
            var body = context.Response.BodyWriter;
            var pushed = new List<long>(); // When each change this batch carries reached the hub.
            var pushLatency = hub.PushLatency.WithLabels(default);
            while (!ct.IsCancellationRequested)
            {
                var unflushed = 0;
                pushed.Clear();
                foreach (var message in hub.TakePending(subscriber))
                {
                    if (message.ChangedAt > subscriber.ConnectedTimestamp)
                    {
                        pushed.Add(message.ChangedAt);
                    }
                    body.Write(message.Bytes);
                    unflushed += message.Bytes.Length;
                    if (unflushed >= FlushThreshold)
                    {
                        // Bounds what one stream buffers in the silo, however large the facets.
                        await body.FlushAsync(ct).ConfigureAwait(false);
                        unflushed = 0;
                    }
                }
                if (!synced && subscriber.Synced)
                {
                    synced = true;
                    body.Write(Synced);
                }
                // Returns once the proxy has taken most of the bytes (HTTP/2 flow control): a proxy that
                // stops reading parks its own writer here, while its cursor, not a queue, records what it lacks.
                await body.FlushAsync(ct).ConfigureAwait(false);
                foreach (var changedAt in pushed)
                {
                    pushLatency.Observe(Stopwatch.GetElapsedTime(changedAt).TotalSeconds);
                }
                if (!await heartbeat.WaitForWorkAsync(subscriber, ct).ConfigureAwait(false))
                {
                    body.Write(Heartbeat);
                    await body.FlushAsync(ct).ConfigureAwait(false);
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
            await scope.CancelAsync().ConfigureAwait(false);
            await wants.ConfigureAwait(false);
        }
    }

    private const int FlushThreshold = 256 * 1024;

    private static readonly byte[] Synced = MessageEncoder.Encode(new SubscriptionMessage { Type = MessageType.Synced });
    private static readonly byte[] Heartbeat = MessageEncoder.Encode(new SubscriptionMessage { Type = MessageType.Heartbeat });

    /// <summary>Reads the lines after the first: each an <see cref="InterestUpdate"/>. A malformed line is skipped; the end of the body ends nothing.</summary>
    private static async Task ReadWantsAsync(StreamReader lines, SubscriptionHub hub, Subscriber subscriber, CancellationToken ct)
    {
        try
        {
            while (await lines.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (Parse<InterestUpdate>(line) is { Want.Count: > 0 } update)
                {
                    hub.Want(subscriber, update.Want);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The stream is over; the writer notices on its own.
        }
    }

    private static T? Parse<T>(string? line) where T : class
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(line, KubernetesJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
