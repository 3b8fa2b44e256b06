using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;
using Mesh.Silo.Subscriptions;

namespace Mesh.Silo.Tests;

public class SubscriptionHubTests
{
    private static ServiceSnapshot Snapshot(string key, string ip, string backend = "b") => new()
    {
        Key = key,
        Frontend = new Versioned<FrontendFacet>(ContentVersion.Of(ip), new FrontendFacet
        {
            Namespace = key.Split('/')[0], Name = key.Split('/')[1], ClusterIP = ip, Ports = [new FrontendPort { Port = 80 }],
        }),
        Backend = new Versioned<BackendFacet>(backend, new BackendFacet()),
    };

    /// <summary>Same address and ports, other routes: the directory entry stays the same.</summary>
    private static ServiceSnapshot WithRoutes(ServiceSnapshot snapshot, string routes)
    {
        var frontend = snapshot.Frontend!.Value with { Ports = [new FrontendPort { Port = 80, Name = routes }] };
        return snapshot with { Frontend = new Versioned<FrontendFacet>(ContentVersion.Of(frontend), frontend) };
    }

    private static List<SubscriptionMessage> Take(SubscriptionHub hub, Subscriber subscriber) =>
        [.. hub.TakePending(subscriber).Select(m => m.Message)];

    /// <summary>Takes until the subscriber has nothing left, as its writer does when woken.</summary>
    private static List<SubscriptionMessage> TakeAll(SubscriptionHub hub, Subscriber subscriber)
    {
        var all = new List<SubscriptionMessage>();
        while (subscriber.Wake.TryRead(out _))
        {
            all.AddRange(Take(hub, subscriber));
        }
        return all;
    }

    [Fact]
    public void A_new_subscriber_gets_everything_once()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.2"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Proxy = "p" });

        var first = Take(hub, subscriber);
        var second = Take(hub, subscriber);

        Assert.Equal(["a/x", "a/y"], first.Where(m => m.Type == MessageType.Service).Select(m => m.Key));
        Assert.True(subscriber.Synced);
        Assert.Empty(second);
    }

    [Fact]
    public void Facets_the_proxy_already_holds_are_not_sent_again()
    {
        var hub = new SubscriptionHub();
        var snapshot = Snapshot("a/x", "127.2.0.1");
        hub.OnServiceChanged(snapshot);
        var subscriber = hub.Subscribe(new SubscribeRequest
        {
            Have = new() { ["a/x"] = new HeldVersions { Frontend = snapshot.Frontend!.Version, Backend = "old" } },
        });

        var message = Assert.Single(Take(hub, subscriber));

        Assert.Null(message.Frontend);
        Assert.Equal("b", message.Backend!.Version);
    }

    [Fact]
    public void A_held_Service_that_is_gone_is_removed_at_the_end_of_the_first_pass()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Have = new() { ["a/gone"] = new HeldVersions { Frontend = "f" } } });

        var messages = Take(hub, subscriber);

        Assert.Contains(messages, m => m.Key == "a/gone" && m.Removed == true);
    }

    [Fact]
    public void A_slow_subscriber_gets_only_the_latest_state_of_a_key()
    {
        var hub = new SubscriptionHub();
        var subscriber = hub.Subscribe(new SubscribeRequest());
        Take(hub, subscriber);
        for (var i = 1; i <= 100; i++)
        {
            hub.OnServiceChanged(Snapshot("a/x", $"127.2.0.{i}"));
        }

        var message = Assert.Single(Take(hub, subscriber));

        Assert.Equal("127.2.0.100", message.Frontend!.Value.ClusterIP);
    }

    [Fact]
    public void Only_the_facet_that_changed_is_sent()
    {
        var hub = new SubscriptionHub();
        var snapshot = Snapshot("a/x", "127.2.0.1");
        hub.OnServiceChanged(snapshot);
        var subscriber = hub.Subscribe(new SubscribeRequest());
        Take(hub, subscriber);

        hub.OnServiceChanged(snapshot with { Backend = new Versioned<BackendFacet>("b2", new BackendFacet()) });
        var message = Assert.Single(Take(hub, subscriber));

        Assert.Null(message.Frontend);
        Assert.Equal("b2", message.Backend!.Version);
    }

    [Fact]
    public void Every_subscriber_gets_the_same_message_instance_for_a_change()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        var first = hub.Subscribe(new SubscribeRequest());
        var second = hub.Subscribe(new SubscribeRequest());
        hub.TakePending(first);
        hub.TakePending(second);

        hub.OnServiceChanged(WithRoutes(Snapshot("a/x", "127.2.0.1"), "changed"));

        Assert.Same(Assert.Single(hub.TakePending(first)), Assert.Single(hub.TakePending(second)));
    }

    [Fact]
    public void Removal_is_sent_only_to_proxies_that_held_the_Service()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        var holder = hub.Subscribe(new SubscribeRequest());
        Take(hub, holder);

        hub.OnServiceChanged(new ServiceSnapshot { Key = "a/x" });
        var late = hub.Subscribe(new SubscribeRequest());

        Assert.True(Assert.Single(Take(hub, holder)).Removed);
        Assert.DoesNotContain(Take(hub, late), m => m.Type == MessageType.Service);
    }

    [Fact]
    public void A_subscriber_naming_Services_gets_only_those()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.2"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Services = ["a/y"] });

        Assert.Equal(["a/y"], Take(hub, subscriber).Select(m => m.Key));
    }

    [Fact]
    public void A_large_first_pass_is_sent_in_bounded_takes_and_each_Service_exactly_once()
    {
        var hub = new SubscriptionHub();
        var count = SubscriptionHub.MaxEntriesPerTake * 2 + 10;
        for (var i = 0; i < count; i++)
        {
            hub.OnServiceChanged(Snapshot($"a/s{i}", $"127.2.{i / 250}.{i % 250}"));
        }
        var subscriber = hub.Subscribe(new SubscribeRequest());

        var first = Take(hub, subscriber);
        Assert.False(subscriber.Synced);
        var rest = TakeAll(hub, subscriber);

        Assert.Equal(SubscriptionHub.MaxEntriesPerTake, first.Count(m => m.Type == MessageType.Service));
        Assert.True(subscriber.Synced);
        var keys = first.Concat(rest).Where(m => m.Type == MessageType.Service).Select(m => m.Key).ToList();
        Assert.Equal(count, keys.Count);
        Assert.Equal(count, keys.Distinct().Count());
    }

    [Fact]
    public void A_facet_changed_before_a_take_boundary_is_still_sent_when_its_Service_moves_past_it()
    {
        var hub = new SubscriptionHub();
        var target = Snapshot("a/target", "127.2.0.1");
        hub.OnServiceChanged(target);
        var subscriber = hub.Subscribe(new SubscribeRequest());
        TakeAll(hub, subscriber);

        // The backend changes first; many other changes follow; then the frontend changes, superseding
        // the backend's log entry, which the first bounded take walks past.
        hub.OnServiceChanged(target with { Backend = new Versioned<BackendFacet>("b2", new BackendFacet()) });
        for (var i = 0; i < SubscriptionHub.MaxEntriesPerTake + 10; i++)
        {
            hub.OnServiceChanged(Snapshot($"a/other{i}", $"127.2.{i / 250 + 10}.{i % 250}"));
        }
        hub.OnServiceChanged(WithRoutes(target with { Backend = new Versioned<BackendFacet>("b2", new BackendFacet()) }, "changed"));

        var message = Assert.Single(TakeAll(hub, subscriber), m => m.Key == "a/target");
        Assert.NotNull(message.Frontend);
        Assert.Equal("b2", message.Backend!.Version);
    }

    [Fact]
    public void An_on_demand_subscriber_gets_the_directory_then_a_Service_in_full_once_it_wants_it()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.2"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Services = [], Directory = true });

        var directory = Take(hub, subscriber).Where(m => m.Type == MessageType.Service).ToList();
        Assert.All(directory, m => Assert.Equal((m.Frontend, m.Backend), (null, null)));
        Assert.Equal("127.2.0.1", directory.Single(m => m.Key == "a/x").Directory!.Value.ClusterIP);

        hub.Want(subscriber, ["a/x"]);
        var wanted = Assert.Single(Take(hub, subscriber));
        Assert.Equal(("a/x", true, true), (wanted.Key, wanted.Frontend is not null, wanted.Backend is not null));

        // Kept up to date from then on; other Services' routes are not sent, only their directory changes.
        hub.OnServiceChanged(WithRoutes(Snapshot("a/x", "127.2.0.1"), "changed"));
        hub.OnServiceChanged(WithRoutes(Snapshot("a/y", "127.2.0.2"), "changed"));
        var update = Assert.Single(Take(hub, subscriber));
        Assert.Equal(("a/x", "changed"), (update.Key, update.Frontend!.Value.Ports[0].Name));
        Assert.Null(update.Directory);

        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.9"));
        var moved = Assert.Single(Take(hub, subscriber));
        Assert.Equal(("a/y", "127.2.0.9"), (moved.Key, moved.Directory!.Value.ClusterIP));
        Assert.Null(moved.Frontend);
    }

    [Fact]
    public void Wanting_a_Service_that_does_not_exist_answers_with_a_removal()
    {
        var hub = new SubscriptionHub();
        var subscriber = hub.Subscribe(new SubscribeRequest { Services = [], Directory = true });
        Take(hub, subscriber);

        hub.Want(subscriber, ["a/none"]);

        Assert.True(Assert.Single(Take(hub, subscriber)).Removed);
    }

    [Fact]
    public void The_log_stays_bounded_by_the_Services_however_many_changes_there_are()
    {
        var log = new ChangeLog();
        ServiceEntry? previous = null;
        for (var seq = 1; seq <= 10_000; seq++)
        {
            var entry = ServiceEntry.Next(previous, Snapshot($"a/s{seq % 10}", $"127.2.0.{seq % 200}"), seq);
            log.Append(entry);
            if (log.NeedsCompaction)
            {
                log.Compact(seq);
            }
        }

        Assert.InRange(log.Count, 10, 1024 + 11);
    }

    [Fact]
    public void Tombstones_are_dropped_once_every_subscriber_has_passed_them()
    {
        var hub = new SubscriptionHub();
        var subscriber = hub.Subscribe(new SubscribeRequest());
        for (var i = 0; i < 3000; i++)
        {
            hub.OnServiceChanged(Snapshot($"a/s{i}", "127.2.0.1"));
            hub.OnServiceChanged(new ServiceSnapshot { Key = $"a/s{i}" });
            TakeAll(hub, subscriber);
        }

        Assert.InRange(hub.ChangeLogLength, 0, 1100);
        Assert.Equal(0, hub.ServiceCount);
        Assert.Empty(hub.Snapshots);
    }
}
