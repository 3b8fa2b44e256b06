using System.Collections.Concurrent;
using System.Net;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Silo.Tests;

/// <summary>The client and the informer against recorded kube-apiserver lists, watch streams and error Statuses.</summary>
public sealed class RecordedPayloadTests
{
    private static bool IsWatch(HttpContext context) => context.Request.Query.ContainsKey("watch");

    [Fact]
    public async Task Lists_keep_every_field_and_get_their_apiVersion_and_kind_back()
    {
        await using var server = await FakeApiServer.StartAsync((_, context) => RecordedPayloads.ServeAsync(context,
            context.Request.Path.Value!.EndsWith("httproutes", StringComparison.Ordinal) ? "httproutes-list.json" : "services-list.json"));
        var client = server.Client();

        var services = await client.ListAsync(ResourceKind.Services, CancellationToken.None);
        var routes = await client.ListAsync(ResourceKind.HttpRoutes, CancellationToken.None);

        Assert.Equal("48213", services.ResourceVersion);
        Assert.Equal(["bookinfo/reviews", "default/kubernetes"], services.Items.Select(o => $"{o["metadata"]!["namespace"]}/{o["metadata"]!["name"]}"));
        Assert.All(services.Items, o => Assert.Equal(("v1", "Service"), (o["apiVersion"]!.GetValue<string>(), o["kind"]!.GetValue<string>())));
        Assert.Equal("10.96.112.37", services.Items[0]["spec"]!["clusterIP"]!.GetValue<string>());

        var route = Assert.Single(routes.Items);
        Assert.Equal("48213", routes.ResourceVersion);
        Assert.Equal(("gateway.networking.k8s.io/v1", "HTTPRoute"), (route["apiVersion"]!.GetValue<string>(), route["kind"]!.GetValue<string>()));
        Assert.Equal("Accepted", route["status"]!["parents"]![0]!["conditions"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_recorded_watch_stream_is_applied_and_resumed_from_its_last_bookmark()
    {
        var watches = 0;
        await using var server = await FakeApiServer.StartAsync(async (self, context) =>
        {
            if (!IsWatch(context))
            {
                await RecordedPayloads.ServeAsync(context, "services-list.json");
            }
            else if (Interlocked.Increment(ref watches) == 1)
            {
                await RecordedPayloads.ServeAsync(context, "services-watch.ndjson"); // then the server's timeout ends it
            }
            else
            {
                await self.HoldOpenAsync(context);
            }
        });
        var informer = new Informer(ResourceKind.Services, server.Client(), NullLogger.Instance);
        var observed = new ConcurrentQueue<string>();
        informer.Observed += observed.Enqueue;
        await server.RunUntilCallsAsync(informer, 3);

        Assert.Equal(["list", "watch 48213", "watch 48301"], server.Calls.Take(3));
        Assert.Equal(["RELIST", "ADDED", "MODIFIED", "BOOKMARK", "DELETED", "BOOKMARK"], observed);
        Assert.Equal("bookinfo/ratings,bookinfo/reviews", string.Join(",", informer.Objects.Select(o => $"{o["metadata"]!["namespace"]}/{o["metadata"]!["name"]}").Order()));
        Assert.Equal("any", informer.Get("bookinfo", "reviews")!["metadata"]!["labels"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Relists_on_410_as_an_HTTP_response_and_as_an_ERROR_event()
    {
        var watches = 0;
        await using var server = await FakeApiServer.StartAsync(async (self, context) =>
        {
            if (!IsWatch(context))
            {
                await RecordedPayloads.ServeAsync(context, "services-list.json");
                return;
            }
            switch (Interlocked.Increment(ref watches))
            {
                case 1:
                    await RecordedPayloads.ServeAsync(context, "gone-410.json", StatusCodes.Status410Gone);
                    return;
                case 2:
                    await RecordedPayloads.ServeAsync(context, "watch-error-expired.ndjson");
                    return;
                default:
                    await self.HoldOpenAsync(context);
                    return;
            }
        });
        var informer = new Informer(ResourceKind.Services, server.Client(), NullLogger.Instance);
        await server.RunUntilCallsAsync(informer, 6);

        Assert.Equal(["list", "watch 48213", "list", "watch 48213", "list", "watch 48213"], server.Calls.Take(6));
        Assert.Equal(2, informer.Objects.Count);
    }

    [Fact]
    public async Task Keeps_its_cache_through_403_429_and_503_and_syncs_after()
    {
        var lists = 0;
        var heldDuringErrors = new ConcurrentQueue<int>();
        Informer informer = null!;
        await using var server = await FakeApiServer.StartAsync(async (self, context) =>
        {
            if (IsWatch(context))
            {
                if (Volatile.Read(ref lists) == 1)
                {
                    await RecordedPayloads.ServeAsync(context, "forbidden-403.json", StatusCodes.Status403Forbidden);
                    return;
                }
                await self.HoldOpenAsync(context);
                return;
            }
            var list = Interlocked.Increment(ref lists);
            if (list > 1)
            {
                heldDuringErrors.Enqueue(informer.Objects.Count);
            }
            await (list switch
            {
                2 => RecordedPayloads.ServeAsync(context, "too-many-requests-429.json", StatusCodes.Status429TooManyRequests, retryAfter: "1"),
                3 => RecordedPayloads.ServeAsync(context, "service-unavailable-503.json", StatusCodes.Status503ServiceUnavailable),
                _ => RecordedPayloads.ServeAsync(context, "services-list.json"),
            });
        });
        informer = new Informer(ResourceKind.Services, server.Client(), NullLogger.Instance);
        await server.RunUntilCallsAsync(informer, 6);

        // list, watch (403), list (429), list (503), list, watch: the copy stays whole throughout.
        Assert.Equal(["list", "watch 48213", "list", "list", "list", "watch 48213"], server.Calls.Take(6));
        Assert.Equal([2, 2, 2], heldDuringErrors);
        Assert.Equal(2, informer.Objects.Count);
    }

    [Theory]
    [InlineData("forbidden-403.json", HttpStatusCode.Forbidden, "Forbidden", null, null)]
    [InlineData("too-many-requests-429.json", HttpStatusCode.TooManyRequests, "TooManyRequests", "3", 3)]
    [InlineData("too-many-requests-429.json", HttpStatusCode.TooManyRequests, "TooManyRequests", null, 1)] // from details.retryAfterSeconds
    [InlineData("service-unavailable-503.json", HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", null, null)]
    [InlineData("gone-410.json", HttpStatusCode.Gone, "Gone", null, null)]
    public async Task Error_Statuses_become_exceptions_with_reason_and_requested_wait(
        string recorded, HttpStatusCode status, string reason, string? retryAfterHeader, int? expectedWaitSeconds)
    {
        await using var server = await FakeApiServer.StartAsync((_, context) =>
            RecordedPayloads.ServeAsync(context, recorded, (int)status, retryAfterHeader));

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => server.Client().ListAsync(ResourceKind.Services, CancellationToken.None));

        Assert.Equal(status, error.Status);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(expectedWaitSeconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
    }
}
