using System.Text.Json.Nodes;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Silo.Subscriptions;

namespace Mesh.EndToEnd.Tests;

/// <summary>The subscription stream itself, over real h2c connections: pacing, heartbeats, and proxies that stop reading.</summary>
public sealed class SubscriptionStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A Service whose frontend is about <paramref name="padding"/> bytes, marked with a generation.</summary>
    private static ServiceSnapshot Generation(int generation, int padding)
    {
        var frontend = new FrontendFacet
        {
            Namespace = "a",
            Name = "x",
            ClusterIP = "127.2.0.1",
            Ports = [new FrontendPort { Port = 80, Name = $"gen-{generation}-end", AppProtocol = new string('p', padding) }],
        };
        return new ServiceSnapshot
        {
            Key = "a/x",
            Frontend = new Versioned<FrontendFacet>(ContentVersion.Of(frontend), frontend),
            Backend = new Versioned<BackendFacet>("b", new BackendFacet { Namespace = "a", Name = "x" }),
        };
    }

    private static int? GenerationOf(JsonObject message) =>
        message["frontend"]?["value"]?["ports"]?[0]?["name"]?.GetValue<string>() is { } name
            ? int.Parse(name.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    [Fact]
    public async Task A_subscriber_that_stops_reading_slows_no_one_and_gets_the_latest_state_when_it_reads_again()
    {
        const int changes = 300;
        await using var silo = await SubscriptionServer.StartAsync();
        silo.Hub.OnServiceChanged(Generation(0, 32 * 1024));
        await using var slow = await RawSubscription.OpenAsync(silo.Uri, """{"proxy":"slow","services":["*"]}""");
        await slow.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "synced", Deadline);
        var fast = new List<RawSubscription>();
        for (var i = 0; i < 3; i++)
        {
            var subscription = await RawSubscription.OpenAsync(silo.Uri, $$"""{"proxy":"fast-{{i}}","services":["*"]}""");
            await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "synced", Deadline);
            fast.Add(subscription);
        }
        try
        {
            // Every change is a new 32 KiB version: far more than the slow stream's HTTP/2 windows hold.
            var readers = fast.Select(f => f.ReadUntilAsync(m => GenerationOf(m) == changes, Deadline)).ToList();
            for (var generation = 1; generation <= changes; generation++)
            {
                silo.Hub.OnServiceChanged(Generation(generation, 32 * 1024));
                await Task.Yield();
            }

            // The readers got the last change although the slow proxy has not read a byte of them.
            await Task.WhenAll(readers);
            var stalled = Assert.Single(silo.Hub.Subscribers, s => s.Proxy == "slow");
            Assert.True(stalled.MessagesSent < changes / 2, $"the slow proxy's writer stalls instead of queueing ({stalled.MessagesSent} sent)");
            // At most one Service behind, however many changes it missed; none when its writer took
            // the last change before the write stalled (that version is then in flight, not pending).
            Assert.InRange(stalled.PendingServices, 0, 1);
            Assert.InRange(silo.Hub.ChangeLogLength, 1, 1024 + 1);

            // Reading again, it catches up with the latest state, skipping the versions in between.
            var received = 0;
            await slow.ReadUntilAsync(m => GenerationOf(m) == changes, Deadline, m => received += GenerationOf(m) is null ? 0 : 1);
            Assert.True(received < changes / 2, $"coalesced: {received} versions received of {changes}");
        }
        finally
        {
            foreach (var subscription in fast)
            {
                await subscription.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_idle_stream_carries_heartbeats_and_still_takes_wants_after_a_long_silence()
    {
        await using var silo = await SubscriptionServer.StartAsync(options: new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) });
        await using var subscription = await RawSubscription.OpenAsync(silo.Uri, """{"proxy":"idle","services":[],"directory":true}""");
        await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "synced", Deadline);

        // 70 heartbeats are at least 7 s of a silent request body: past Kestrel's 5 s grace for its
        // minimum body data rate, which must not apply to this stream.
        var heartbeats = 0;
        await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "heartbeat" && ++heartbeats == 70, Deadline);
        await subscription.SendAsync("""{"want":["a/none"]}""");

        var removal = await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "service", Deadline);
        Assert.Equal(("a/none", true), (removal["key"]!.GetValue<string>(), removal["removed"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Wanting_a_Service_on_the_same_stream_sends_it_and_then_its_changes()
    {
        await using var silo = await SubscriptionServer.StartAsync();
        silo.Hub.OnServiceChanged(Generation(1, 0));
        await using var subscription = await RawSubscription.OpenAsync(silo.Uri, """{"proxy":"lazy","services":[],"directory":true}""");
        var directory = await subscription.ReadUntilAsync(m => m["key"]?.GetValue<string>() == "a/x", Deadline);
        Assert.Equal(("127.2.0.1", false), (directory["directory"]!["value"]!["clusterIP"]!.GetValue<string>(), directory.ContainsKey("frontend")));
        await subscription.ReadUntilAsync(m => m["type"]!.GetValue<string>() == "synced", Deadline);

        await subscription.SendAsync("""{"want":["a/x","a/none"]}""");
        var removed = false;
        await subscription.ReadUntilAsync(m => GenerationOf(m) == 1, Deadline, m => removed |= m["key"]?.GetValue<string>() == "a/none" && m["removed"]?.GetValue<bool>() == true);
        silo.Hub.OnServiceChanged(Generation(2, 0));
        await subscription.ReadUntilAsync(m => GenerationOf(m) == 2, Deadline, m => removed |= m["key"]?.GetValue<string>() == "a/none" && m["removed"]?.GetValue<bool>() == true);

        Assert.True(removed, "a wanted Service that does not exist is answered with a removal");
    }
}
