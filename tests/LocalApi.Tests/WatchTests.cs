using System.Text.Json.Nodes;
using Mesh.LocalApi.Tests.Support;

namespace Mesh.LocalApi.Tests;

public sealed class WatchTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private ApiClient Api => cluster.Api;

    [Fact]
    public async Task Watch_from_a_resourceVersion_gets_exactly_the_later_events_in_order()
    {
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        var first = await Api.CreateAsync(leases, Manifests.Lease(ns, "a"));
        var from = (string)first["metadata"]!["resourceVersion"]!;

        var changed = first.DeepClone().AsObject();
        changed["spec"]!["holderIdentity"] = "someone";
        var modified = await Api.ReplaceAsync($"{leases}/a", changed);
        var added = await Api.CreateAsync(leases, Manifests.Lease(ns, "b"));
        var otherNamespace = await cluster.NewNamespaceAsync();
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{otherNamespace}/leases", Manifests.Lease(otherNamespace, "elsewhere"));

        await using var watch = await WatchStream.OpenAsync(Api.Http, $"{leases}?watch=1&resourceVersion={from}");
        await AssertEvent(watch, "MODIFIED", "a", (string)modified["metadata"]!["resourceVersion"]!);
        await AssertEvent(watch, "ADDED", "b", (string)added["metadata"]!["resourceVersion"]!);

        var (_, deleted) = await Api.DeleteAsync($"{leases}/b");
        await AssertEvent(watch, "DELETED", "b", (string)deleted["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_the_current_objects()
    {
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        await Api.CreateAsync(leases, Manifests.Lease(ns, "one"));
        await Api.CreateAsync(leases, Manifests.Lease(ns, "two"));

        foreach (var (query, live) in new[] { ("watch=true", "x-live"), ("watch=1&resourceVersion=0", "y-live") })
        {
            await using var watch = await WatchStream.OpenAsync(Api.Http, $"{leases}?{query}");
            await AssertEvent(watch, "ADDED", "one");
            await AssertEvent(watch, "ADDED", "two");
            if (live == "y-live")
            {
                await AssertEvent(watch, "ADDED", "x-live");
            }
            await Api.CreateAsync(leases, Manifests.Lease(ns, live));
            await AssertEvent(watch, "ADDED", live);
        }
    }

    [Fact]
    public async Task SendInitialEvents_ends_the_initial_events_with_a_marked_bookmark()
    {
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        await Api.CreateAsync(leases, Manifests.Lease(ns, "one"));
        await using var watch = await WatchStream.OpenAsync(Api.Http,
            $"{leases}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
        await AssertEvent(watch, "ADDED", "one");
        var bookmark = (await watch.NextAsync())!;
        Assert.Equal("BOOKMARK", (string)bookmark["type"]!);
        Assert.Equal("true", (string)bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!);
    }

    [Fact]
    public async Task Label_selected_watch_sees_objects_enter_and_leave_the_selection()
    {
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        await using var watch = await WatchStream.OpenAsync(Api.Http, $"{leases}?watch=1&labelSelector=role%3Dleader");
        var lease = await Api.CreateAsync(leases, Manifests.Lease(ns, "l", new JsonObject { ["role"] = "follower" }));

        lease["metadata"]!["labels"]!["role"] = "leader";
        lease = await Api.ReplaceAsync($"{leases}/l", lease);
        await AssertEvent(watch, "ADDED", "l", (string)lease["metadata"]!["resourceVersion"]!);

        lease["spec"]!["holderIdentity"] = "me";
        lease = await Api.ReplaceAsync($"{leases}/l", lease);
        await AssertEvent(watch, "MODIFIED", "l", (string)lease["metadata"]!["resourceVersion"]!);

        lease["metadata"]!["labels"]!["role"] = "follower";
        lease = await Api.ReplaceAsync($"{leases}/l", lease);
        var left = await AssertEvent(watch, "DELETED", "l", (string)lease["metadata"]!["resourceVersion"]!);
        Assert.Equal("leader", (string)left["object"]!["metadata"]!["labels"]!["role"]!);
    }

    [Fact]
    public async Task Field_selected_watch_sees_one_object()
    {
        var ns = await cluster.NewNamespaceAsync();
        await using var watch = await WatchStream.OpenAsync(Api.Http, $"/apis/coordination.k8s.io/v1/leases?watch=1&fieldSelector=metadata.name%3Dwanted,metadata.namespace%3D{ns}");
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "unwanted"));
        await Api.CreateAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", Manifests.Lease(ns, "wanted"));
        await AssertEvent(watch, "ADDED", "wanted");
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        await using var watch = await WatchStream.OpenAsync(Api.Http, "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1");
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task A_watch_that_does_not_read_never_blocks_writers_and_is_closed()
    {
        await using var isolated = await TestCluster.StartAsync();
        var ns = await isolated.NewNamespaceAsync();
        await using var stalled = await WatchStream.OpenAsync(isolated.Api.Http, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases?watch=1");
        var padding = new string('x', 4096);
        const int writes = 4000;
        for (var i = 0; i < writes; i++)
        {
            var lease = Manifests.Lease(ns, $"l{i}");
            lease["metadata"]!["annotations"] = new JsonObject { ["padding"] = padding };
            await isolated.Cluster.ApplyAsync(lease);
        }
        var received = 0;
        while (await stalled.NextAsync() is not null)
        {
            received++;
        }
        Assert.InRange(received, 1, writes - 1);
    }

    internal static async Task<JsonObject> AssertEvent(WatchStream watch, string type, string name, string? resourceVersion = null)
    {
        var next = await watch.NextChangeAsync();
        Assert.Equal(type, (string)next["type"]!);
        Assert.Equal(name, (string)next["object"]!["metadata"]!["name"]!);
        if (resourceVersion is not null)
        {
            Assert.Equal(resourceVersion, (string)next["object"]!["metadata"]!["resourceVersion"]!);
        }
        return next;
    }
}

public sealed class WatchHistoryTests
{
    [Fact]
    public async Task A_resourceVersion_older_than_the_history_gets_410_Expired()
    {
        await using var cluster = await TestCluster.StartAsync(o => o.WatchHistoryLimit = 5);
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        var lease = await cluster.Api.CreateAsync(leases, Manifests.Lease(ns, "busy"));
        var old = (string)lease["metadata"]!["resourceVersion"]!;
        for (var i = 0; i < 10; i++)
        {
            lease["spec"]!["holderIdentity"] = $"holder{i}";
            lease = await cluster.Api.ReplaceAsync($"{leases}/busy", lease);
        }

        await using var watch = await WatchStream.OpenAsync(cluster.Api.Http, $"{leases}?watch=1&resourceVersion={old}");
        var error = (await watch.NextAsync())!;
        Assert.Equal("ERROR", (string)error["type"]!);
        CrudTests.AssertStatus(error["object"]!.AsObject(), 410, "Expired");
        Assert.Null(await watch.NextAsync());

        // A list with the same too-old resourceVersion is just served from the current state.
        var list = await cluster.Api.GetOkAsync($"{leases}?resourceVersion={old}");
        Assert.Equal("holder9", (string)list["items"]![0]!["spec"]!["holderIdentity"]!);

        // Still-retained history is served.
        await using var recent = await WatchStream.OpenAsync(cluster.Api.Http,
            $"{leases}?watch=1&resourceVersion={long.Parse((string)lease["metadata"]!["resourceVersion"]!) - 1}");
        await WatchTests.AssertEvent(recent, "MODIFIED", "busy", (string)lease["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task Bookmarks_arrive_with_the_current_resourceVersion()
    {
        await using var cluster = await TestCluster.StartAsync(o => o.WatchBookmarkInterval = TimeSpan.FromMilliseconds(100));
        var ns = await cluster.NewNamespaceAsync();
        var leases = $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
        await using var watch = await WatchStream.OpenAsync(cluster.Api.Http, $"{leases}?watch=1&allowWatchBookmarks=true");
        var created = await cluster.Api.CreateAsync(leases, Manifests.Lease(ns, "marked"));
        await WatchTests.AssertEvent(watch, "ADDED", "marked");

        var bookmark = (await watch.NextAsync())!;
        Assert.Equal("BOOKMARK", (string)bookmark["type"]!);
        var obj = bookmark["object"]!.AsObject();
        Assert.Equal("Lease", (string)obj["kind"]!);
        Assert.Equal("coordination.k8s.io/v1", (string)obj["apiVersion"]!);
        Assert.True(long.Parse((string)obj["metadata"]!["resourceVersion"]!) >= long.Parse((string)created["metadata"]!["resourceVersion"]!));
        Assert.Equal(["apiVersion", "kind", "metadata"], obj.Select(p => p.Key).Order());
    }
}
