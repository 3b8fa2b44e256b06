using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;
using Mesh.Silo.Subscriptions;

namespace Mesh.Silo.Tests;

public class SubscriptionHubTests
{
    private static ServiceSnapshot Snapshot(string key, string ip) => new()
    {
        Key = key,
        Frontend = new Versioned<FrontendFacet>(ContentVersion.Of(ip), new FrontendFacet { ClusterIP = ip }),
        Backend = new Versioned<BackendFacet>("b", new BackendFacet()),
    };

    [Fact]
    public void A_new_subscriber_gets_everything_once()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.2"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Proxy = "p" });

        var first = hub.TakePending(subscriber);
        var second = hub.TakePending(subscriber);

        Assert.Equal(["a/x", "a/y"], first.Where(m => m.Type == MessageType.Service).Select(m => m.Key));
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

        var message = Assert.Single(hub.TakePending(subscriber));

        Assert.Null(message.Frontend);
        Assert.Equal("b", message.Backend!.Version);
    }

    [Fact]
    public void A_slow_subscriber_gets_only_the_latest_state_of_a_key()
    {
        var hub = new SubscriptionHub();
        var subscriber = hub.Subscribe(new SubscribeRequest());
        hub.TakePending(subscriber);
        for (var i = 1; i <= 100; i++)
        {
            hub.OnServiceChanged(Snapshot("a/x", $"127.2.0.{i}"));
        }

        var message = Assert.Single(hub.TakePending(subscriber));

        Assert.Equal("127.2.0.100", message.Frontend!.Value.ClusterIP);
    }

    [Fact]
    public void Removal_is_sent_only_to_proxies_that_held_the_Service()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        var holder = hub.Subscribe(new SubscribeRequest());
        hub.TakePending(holder);

        hub.OnServiceChanged(new ServiceSnapshot { Key = "a/x" });
        var late = hub.Subscribe(new SubscribeRequest());

        Assert.True(Assert.Single(hub.TakePending(holder)).Removed);
        Assert.DoesNotContain(hub.TakePending(late), m => m.Type == MessageType.Service);
    }

    [Fact]
    public void A_subscriber_naming_Services_gets_only_those()
    {
        var hub = new SubscriptionHub();
        hub.OnServiceChanged(Snapshot("a/x", "127.2.0.1"));
        hub.OnServiceChanged(Snapshot("a/y", "127.2.0.2"));
        var subscriber = hub.Subscribe(new SubscribeRequest { Services = ["a/y"] });

        Assert.Equal(["a/y"], hub.TakePending(subscriber).Select(m => m.Key));
    }
}
