using System.Collections.Concurrent;
using System.Globalization;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Silo.Tests;

/// <summary>
/// A watch the server never ends (the connection died without a FIN, or a proxy swallowed the close)
/// must not hang the informer: it gives up a little after its timeout and resumes from what it saw.
/// </summary>
public sealed class WatchDeadlineTests
{
    [Fact]
    public async Task A_watch_the_server_never_ends_is_resumed_after_its_timeout()
    {
        var timeouts = new ConcurrentQueue<int>();
        await using var server = await FakeApiServer.StartAsync(async (self, context) =>
        {
            if (!context.Request.Query.ContainsKey("watch"))
            {
                await context.Response.WriteAsync("""{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[]}""");
                return;
            }
            timeouts.Enqueue(int.Parse(context.Request.Query["timeoutSeconds"].ToString(), CultureInfo.InvariantCulture));
            await context.Response.WriteAsync("""{"type":"ADDED","object":{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"11"}}}""" + "\n");
            await self.HoldOpenAsync(context); // ignores timeoutSeconds
        });
        var informer = new Informer(ResourceKind.Services, server.Client(), NullLogger.Instance, minWatchTimeout: TimeSpan.FromSeconds(1));
        await server.RunUntilCallsAsync(informer, 3);

        Assert.Equal(["list", "watch 10", "watch 11"], server.Calls.Take(3));
        Assert.All(timeouts, t => Assert.InRange(t, 1, 2)); // the minimum, jittered up to twice it
    }
}
