using System.Diagnostics;
using System.Globalization;
using Mesh.Grains.Binding;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Silo.Subscriptions;

namespace Mesh.Bench.Scale;

/// <summary>
/// Fan-out over real sockets: the silo's subscription endpoint on a loopback port and that many proxies
/// as HTTP/2 streams (over a few connections) in this process. Prints the time to send every subscriber
/// its initial state, how long one route change takes from the Service grain to every subscriber's socket
/// (p50/p99), and memory.
///   dotnet run -c Release --project bench/Scale -- --loopback [--on-demand] [services routes subscribers]
/// With --on-demand each subscriber gets the Service directory and wants 20 Services (among them the ones
/// the changes touch) instead of all of them.
/// </summary>
public static class LoopbackBench
{
    private const int Changes = 20;
    private const int WantedPerSubscriber = 20;

    public static async Task RunAsync(string[] args)
    {
        var onDemand = args.Contains("--on-demand");
        var numbers = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var services = numbers.Length > 0 ? numbers[0] : 10_000;
        var routes = numbers.Length > 1 ? numbers[1] : 50_000;
        var subscriberCount = numbers.Length > 2 ? numbers[2] : 1_000;

        var snapshot = SyntheticCluster.Build(services, routes);
        var translator = IncrementalTranslator.From(snapshot);
        var hub = new SubscriptionHub();
        var grains = new LocalGrainRuntime().Register<IServiceGrain>(key => new ServiceGrain(key, hub));
        foreach (var (key, frontend) in translator.State.Frontends)
        {
            await grains.GetGrain<IServiceGrain>(key).UpdateAsync(frontend, translator.State.Backends[key]);
        }
        hub.SetWorkloads(translator.State.Workloads);
        hub.MarkInitialized();
        // Routes spread over the cluster, as bench/Scale/Program.cs changes them.
        var changedRoutes = Enumerable.Range(0, Changes).Select(c => (int)((long)c * 7919 % routes)).ToList();
        var changedKeys = changedRoutes.Select(r => SyntheticCluster.ParentOf(snapshot.HttpRoutes[r])).ToList();
        Console.WriteLine($"loopback: {hub.ServiceCount} Services, {snapshot.HttpRoutes.Count} HTTPRoutes, {subscriberCount} subscribers ({(onDemand ? "on demand" : "all Services")})");
        var baseline = ManagedMiB();

        await using var silo = await SubscriptionServer.StartAsync(hub);
        // One handler: it opens another HTTP/2 connection each time the server's stream limit (100) is reached.
        using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true });
        using var stop = new CancellationTokenSource();
        var random = new Random(7);
        var keys = hub.Snapshots.Select(s => s.Key).ToArray();
        var subscribers = Enumerable.Range(0, subscriberCount).Select(i => new LoopbackSubscriber(http, silo.Uri, onDemand
            ? SubscribeLine($"proxy-{i}", changedKeys.Concat(Enumerable.Range(0, WantedPerSubscriber - Changes).Select(_ => keys[random.Next(keys.Length)])))
            : SubscribeLine($"proxy-{i}", null))).ToList();

        var initial = Stopwatch.StartNew();
        var running = subscribers.Select(s => Task.Run(() => s.RunAsync(stop.Token))).ToList();
        await Task.WhenAll(subscribers.Select(s => s.Synced.Task)).WaitAsync(TimeSpan.FromMinutes(15));
        initial.Stop();
        var bytes = subscribers.Sum(s => s.Bytes);
        Console.WriteLine($"initial state to {subscriberCount} subscribers: {initial.Elapsed.TotalMilliseconds:F0} ms " +
            $"({bytes / (1024 * 1024)} MiB, {subscribers.Sum(s => s.Lines)} lines, {bytes / 1024.0 / 1024 / initial.Elapsed.TotalSeconds:F0} MiB/s)");
        var withSubscribers = ManagedMiB();
        Console.WriteLine($"managed memory: {baseline} MiB with the state alone, {withSubscribers} MiB with {subscriberCount} streams " +
            $"(silo and clients in one process: {(withSubscribers - baseline) * 1024.0 / subscriberCount:F0} KiB per subscriber, both ends); " +
            $"working set {Environment.WorkingSet / (1024 * 1024)} MiB");

        // One route change at a time: translate it (incrementally), then time from the grain update to every subscriber's socket.
        var translate = new List<double>();
        var fanOut = new List<double>();
        var cpu = TimeSpan.Zero;
        for (var change = 0; change < Changes; change++)
        {
            var key = changedKeys[change];
            var translateStarted = Stopwatch.GetTimestamp();
            translator.Upsert(SyntheticCluster.ChangedRoute(changedRoutes[change], services, version: change + 1));
            var delta = translator.Flush();
            translate.Add(Stopwatch.GetElapsedTime(translateStarted).TotalMilliseconds);
            foreach (var subscriber in subscribers)
            {
                subscriber.Watch(key);
            }
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var published = Stopwatch.GetTimestamp(); // From here: grains (content versions), hub, endpoint, sockets.
            foreach (var service in delta.Services)
            {
                await grains.GetGrain<IServiceGrain>(service)
                    .UpdateAsync(translator.State.Frontends.GetValueOrDefault(service), translator.State.Backends.GetValueOrDefault(service));
            }
            var deadline = Stopwatch.StartNew();
            while (subscribers.Any(s => s.WatchedArrival == 0))
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"change {change} did not reach every subscriber within two minutes");
                }
                await Task.Delay(1);
            }
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            fanOut.AddRange(subscribers.Select(s => Stopwatch.GetElapsedTime(published, s.WatchedArrival).TotalMilliseconds));
        }
        fanOut.Sort();
        Console.WriteLine($"one route change, incremental translation (not part of the fan-out): {translate.Average():F1} ms on average");
        Console.WriteLine($"one route change from the grain to all {subscriberCount} subscribers over loopback ({Changes} changes): " +
            $"p50 {fanOut[fanOut.Count / 2]:F1} ms, p99 {fanOut[(int)(fanOut.Count * 0.99)]:F1} ms, max {fanOut[^1]:F1} ms; " +
            $"CPU per change {cpu.TotalMilliseconds / Changes:F0} ms (silo and every client; the machine's load average is {LoadAverage()})");
        Console.WriteLine($"silo change log: {hub.ChangeLogLength} entries for {hub.ServiceCount} Services");

        await stop.CancelAsync();
        await Task.WhenAll(running);
    }

    private static string SubscribeLine(string proxy, IEnumerable<string>? wanted) => wanted is null
        ? $$"""{"proxy":"{{proxy}}","services":["*"]}"""
        : $$"""{"proxy":"{{proxy}}","services":[{{string.Join(",", wanted.Distinct().Select(k => $"\"{k}\""))}}],"directory":true}""";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static long ManagedMiB()
    {
        GC.Collect();
        return GC.GetTotalMemory(true) / (1024 * 1024);
    }
}
