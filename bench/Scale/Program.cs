using System.Diagnostics;
using System.Text.Json;
using Mesh.Bench.Scale;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.Subscription;
using Mesh.Silo.Subscriptions;

// Control-plane scale on this machine: 10,000 Services, 50,000 routes, 1,000 subscribed proxies.
// Prints the full translation time, how long one route change takes to reach every subscriber (p50/p99),
// and the managed memory held. Subscribers are simulated in this process: each has a writer loop that
// serializes its pending messages as the silo's stream endpoint does, but to a null stream instead of a socket.
//   dotnet run -c Release --project bench/Scale [-- services routes subscribers]
//   dotnet run -c Release --project bench/Scale -- --loopback [--on-demand] [services routes subscribers]
if (args.Contains("--loopback"))
{
    await LoopbackBench.RunAsync(args); // Subscribers as real HTTP/2 streams: bench/Scale/LoopbackBench.cs.
    return;
}
var services = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
var routes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50_000;
var subscriberCount = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000;

var snapshot = SyntheticCluster.Build(services, routes);
Console.WriteLine($"cluster: {snapshot.Services.Count} Services, {snapshot.HttpRoutes.Count} HTTPRoutes, {snapshot.EndpointSlices.Count} EndpointSlices");

var translate = new List<double>();
MeshState state = null!;
for (var i = 0; i < 3; i++)
{
    var watch = Stopwatch.StartNew();
    state = MeshTranslator.Translate(snapshot);
    translate.Add(watch.Elapsed.TotalMilliseconds);
}
Console.WriteLine($"full translation: {translate.Min():F0} ms best of 3 ({string.Join(", ", translate.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");

var hub = new SubscriptionHub();
var grains = new LocalGrainRuntime().Register<IServiceGrain>(key => new ServiceGrain(key, hub));
var publish = Stopwatch.StartNew();
await PublishAsync(grains, state);
hub.MarkInitialized();
Console.WriteLine($"first publish to grains (versions for every facet): {publish.Elapsed.TotalMilliseconds:F0} ms");

// Subscribers take their initial state, then wait for changes.
var delivered = new List<(string Key, long Ticks)>[subscriberCount];
var subscribers = Enumerable.Range(0, subscriberCount).Select(i =>
{
    delivered[i] = [];
    return hub.Subscribe(new SubscribeRequest { Proxy = $"proxy-{i}" });
}).ToList();
using var stop = new CancellationTokenSource();
var writers = subscribers.Select((s, i) => Task.Run(() => WriterLoopAsync(hub, s, delivered[i], stop.Token))).ToList();
var initial = Stopwatch.StartNew();
await WaitUntilAsync(() => delivered.All(d => { lock (d) { return d.Count >= state.Frontends.Count; } }));
Console.WriteLine($"initial state sent to {subscriberCount} subscribers: {initial.Elapsed.TotalMilliseconds:F0} ms");
foreach (var d in delivered)
{
    lock (d)
    {
        d.Clear();
    }
}

GC.Collect();
Console.WriteLine($"managed memory with full state and {subscriberCount} subscribers: {GC.GetTotalMemory(true) / (1024 * 1024)} MiB");

// One route change at a time: re-translate, publish, and time until every subscriber has sent it.
var latencies = new List<double>();
var recompute = new List<double>();
for (var change = 0; change < 10; change++)
{
    var changed = SyntheticCluster.ChangeOneRoute(snapshot, change);
    var key = SyntheticCluster.ParentOf(changed, change);
    var started = Stopwatch.GetTimestamp();
    state = MeshTranslator.Translate(changed);
    await PublishAsync(grains, state);
    recompute.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    await WaitUntilAsync(() => delivered.All(d => { lock (d) { return d.Any(x => x.Key == key && x.Ticks >= started); } }));
    foreach (var d in delivered)
    {
        lock (d)
        {
            latencies.Add(Stopwatch.GetElapsedTime(started, d.Last(x => x.Key == key).Ticks).TotalMilliseconds);
            d.Clear();
        }
    }
    snapshot = changed;
}
latencies.Sort();
Console.WriteLine($"one route change, recompute + publish: {recompute.Average():F0} ms on average");
Console.WriteLine($"one route change reaching all {subscriberCount} subscribers: p50 {latencies[latencies.Count / 2]:F1} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F1} ms");
await stop.CancelAsync();
await Task.WhenAll(writers);

static async Task PublishAsync(IGrainFactory grains, MeshState state)
{
    foreach (var (key, frontend) in state.Frontends)
    {
        await grains.GetGrain<IServiceGrain>(key).UpdateAsync(frontend, state.Backends[key]);
    }
}

static async Task WriterLoopAsync(SubscriptionHub hub, Subscriber subscriber, List<(string Key, long Ticks)> delivered, CancellationToken ct)
{
    try
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var message in hub.TakePending(subscriber))
            {
                await Stream.Null.WriteAsync(MessageEncoder.Encode(message), ct);
                if (message.Key is { } key)
                {
                    lock (delivered)
                    {
                        delivered.Add((key, Stopwatch.GetTimestamp()));
                    }
                }
            }
            await subscriber.Wake.ReadAsync(ct);
        }
    }
    catch (OperationCanceledException)
    {
    }
}

static async Task WaitUntilAsync(Func<bool> condition)
{
    var deadline = Stopwatch.StartNew();
    while (!condition())
    {
        if (deadline.Elapsed > TimeSpan.FromMinutes(2))
        {
            throw new TimeoutException("the subscribers did not catch up within two minutes");
        }
        await Task.Delay(1);
    }
}
