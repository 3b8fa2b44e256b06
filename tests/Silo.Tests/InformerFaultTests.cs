using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Silo.Tests;

/// <summary>
/// The informer against an API server that misbehaves on cue: a watch stream cut mid-event, a 410 Gone,
/// bookmarks, an outage. It must end up with exactly the server's objects, relisting only when told the
/// resourceVersion expired.
/// </summary>
public sealed class InformerFaultTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly TaskCompletionSource _finished = new();
    private WebApplication _server = null!;
    private Uri _uri = null!;
    private int _lists;
    private int _watches;
    private volatile bool _down;

    private static string Service(string name, int rv) =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"ns","resourceVersion":"{{{rv}}}"},"spec":{"ports":[{"port":80}]}}""";

    private static string Event(string type, string obj) => $$$"""{"type":"{{{type}}}","object":{{{obj}}}}""" + "\n";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(ServeAsync);
        await _server.StartAsync();
        _uri = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        _finished.TrySetResult();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (_down)
        {
            context.Response.StatusCode = 503;
            return;
        }
        var watch = context.Request.Query.ContainsKey("watch");
        var rv = context.Request.Query["resourceVersion"].ToString();
        _calls.Enqueue(watch ? $"watch {rv}" : "list");
        if (!watch)
        {
            var lists = Interlocked.Increment(ref _lists);
            var items = lists == 1 ? $"[{Service("a", 5)},{Service("b", 10)}]" : $"[{Service("a", 5)},{Service("c", 20)}]";
            await context.Response.WriteAsync($$$"""{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"{{{(lists == 1 ? 10 : 20)}}}"},"items":{{{items}}}}""");
            return;
        }
        context.Response.ContentType = "application/json";
        switch (Interlocked.Increment(ref _watches))
        {
            case 1: // One event, then the stream ends in the middle of the next (as a cut proxy connection does).
                await context.Response.WriteAsync(Event("ADDED", Service("d", 11)));
                await context.Response.WriteAsync("""{"type":"ADDED","obj""");
                return;
            case 2: // The version it resumes from is gone.
                await context.Response.WriteAsync(Event("ERROR", """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}"""));
                return;
            default: // After the relist: a bookmark, a deletion, then quiet until the test ends.
                await context.Response.WriteAsync(Event("BOOKMARK", """{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"25"}}"""));
                await context.Response.WriteAsync(Event("DELETED", Service("c", 26)));
                await context.Response.Body.FlushAsync();
                await Task.WhenAny(_finished.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                return;
        }
    }

    [Fact]
    public async Task Resumes_after_a_cut_relists_on_410_and_ends_with_the_servers_objects()
    {
        var connection = KubernetesConnection.Resolve(_uri.ToString());
        var client = new KubernetesClient(KubernetesHttp.CreateClient(connection), connection);
        var informer = new Informer(ResourceKind.Services, client, NullLogger.Instance);
        var changed = new ConcurrentQueue<string>();
        informer.ObjectChanged += changed.Enqueue;
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(Names(informer) == "a" && _calls.Count >= 5))
        {
            await Task.Delay(20);
        }
        stop.Cancel();
        await running;

        Assert.Equal("a", Names(informer));
        Assert.Equal(["list", "watch 10", "watch 11", "list", "watch 20"], _calls.Take(5));
        // Each object reported per change: b and d dropped by the relist, c added then deleted, a (same resourceVersion) only once.
        Assert.Equal(["ns/a", "ns/b", "ns/b", "ns/c", "ns/c", "ns/d", "ns/d"], changed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Keeps_its_objects_through_an_outage_and_catches_up_after()
    {
        var connection = KubernetesConnection.Resolve(_uri.ToString());
        var client = new KubernetesClient(KubernetesHttp.CreateClient(connection), connection);
        var informer = new Informer(ResourceKind.Services, client, NullLogger.Instance);
        _down = true;
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        await Task.WhenAny(informer.Synced, Task.Delay(300));
        Assert.False(informer.Synced.IsCompleted, "nothing to sync from while the API is down");

        _down = false;
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await running;
        Assert.Contains("a", Names(informer).Split(','));
    }

    private static string Names(Informer informer) =>
        string.Join(",", informer.Objects.Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order());
}
