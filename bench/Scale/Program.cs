using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.Bench.Scale;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Silo.Subscriptions;

// Control-plane scale on this machine: 10,000 Services, 50,000 routes, 1,000 subscribed proxies.
// Prints the full recompute time, the time from one route change to its translation (and to every
// subscriber), and the memory held. Subscribers are simulated in this process (see InProcessSubscribers).
//   dotnet run -c Release --project bench/Scale [-- services routes subscribers changes]
// With --loopback, subscribers are real HTTP/2 streams to the silo's endpoint instead (bench/Scale/LoopbackBench.cs):
//   dotnet run -c Release --project bench/Scale -- --loopback [--on-demand] [services routes subscribers]
if (args.Contains("--loopback"))
{
    await LoopbackBench.RunAsync(args);
    return;
}
var services = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var routes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
var subscriberCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
var changes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;

var snapshot = SyntheticCluster.Build(services, routes);
Console.WriteLine($"cluster: {snapshot.Services.Count} Services, {snapshot.HttpRoutes.Count} HTTPRoutes, {snapshot.EndpointSlices.Count} EndpointSlices; {Environment.ProcessorCount} cores, {GCSettings()}");
var inputsBytes = GC.GetTotalMemory(true);

// Wall time and this process's CPU time: on a loaded machine the second says better what the work costs.
var full = new List<double>();
var fullCpu = new List<double>();
var fullGcPause = new List<double>();
var allocated = 0L;
for (var i = 0; i < 5; i++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var pause = GC.GetTotalPauseDuration();
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    _ = MeshTranslator.Translate(snapshot);
    full.Add(watch.Elapsed.TotalMilliseconds);
    fullCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    fullGcPause.Add((GC.GetTotalPauseDuration() - pause).TotalMilliseconds);
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
}
Console.WriteLine($"full recompute (MeshTranslator.Translate): best {full.Min():F0} ms, median {Median(full):F0} ms of 5 ({Join(full)}); " +
    $"CPU time median {Median(fullCpu):F0} ms ({Join(fullCpu)}); GC pauses median {Median(fullGcPause):F0} ms; {Mib(allocated)} MiB allocated each");

GC.Collect();
var loadCpu = Process.GetCurrentProcess().TotalProcessorTime;
var load = Stopwatch.StartNew();
var translator = IncrementalTranslator.From(snapshot);
Console.WriteLine($"full load into the incremental translator (silo start, with its indexes): {load.Elapsed.TotalMilliseconds:F0} ms, " +
    $"CPU time {(Process.GetCurrentProcess().TotalProcessorTime - loadCpu).TotalMilliseconds:F0} ms");

var hub = new SubscriptionHub();
var grains = new LocalGrainRuntime().Register<IServiceGrain>(key => new ServiceGrain(key, hub));
var publish = Stopwatch.StartNew();
foreach (var (key, frontend) in translator.State.Frontends)
{
    await grains.GetGrain<IServiceGrain>(key).UpdateAsync(frontend, translator.State.Backends[key]);
}
hub.SetWorkloads(translator.State.Workloads);
hub.MarkInitialized();
Console.WriteLine($"first publish to grains (versions for every facet): {publish.Elapsed.TotalMilliseconds:F0} ms");
var siloBytes = GC.GetTotalMemory(true);
Console.WriteLine($"memory: typed inputs {Mib(inputsBytes)} MiB; with translator state, grains and hub {Mib(siloBytes)} MiB managed (after full GC); working set {Mib(Environment.WorkingSet)} MiB");

await using var subscribers = subscriberCount > 0 ? new InProcessSubscribers(hub, subscriberCount) : null;
if (subscribers is not null)
{
    var initial = Stopwatch.StartNew();
    await subscribers.WaitForInitialAsync(translator.State.Frontends.Count);
    Console.WriteLine($"initial state sent to {subscriberCount} subscribers: {initial.Elapsed.TotalMilliseconds:F0} ms");
    Console.WriteLine($"memory with {subscriberCount} subscribers: {Mib(GC.GetTotalMemory(true))} MiB managed; working set {Mib(Environment.WorkingSet)} MiB");
}

// One route change at a time, spread over the cluster: translate incrementally, publish, and time until every subscriber has sent it.
var translated = new List<double>();
var published = new List<double>();
var reached = new List<double>();
var routesTranslated = 0;
var changedRoutes = new Dictionary<int, HttpRoute>();
for (var change = 0; change < changes; change++)
{
    var index = (int)((long)change * 7919 % routes);
    var route = SyntheticCluster.ChangedRoute(index, services, version: change + 1);
    changedRoutes[index] = route;
    var key = SyntheticCluster.ParentOf(route);
    var started = Stopwatch.GetTimestamp();
    translator.Upsert(route);
    var delta = translator.Flush();
    translated.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    foreach (var service in delta.Services)
    {
        await grains.GetGrain<IServiceGrain>(service)
            .UpdateAsync(translator.State.Frontends.GetValueOrDefault(service), translator.State.Backends.GetValueOrDefault(service));
    }
    published.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    routesTranslated += delta.RoutesTranslated;
    if (subscribers is not null)
    {
        reached.AddRange(await subscribers.WaitForAsync(key, started));
    }
}
Console.WriteLine($"one route change to its translation ({changes} changes, {routesTranslated} routes translated in all): p50 {Percentile(translated, 0.5):F2} ms, p99 {Percentile(translated, 0.99):F2} ms");
Console.WriteLine($"one route change to its grains (translation + content versions): p50 {Percentile(published, 0.5):F2} ms, p99 {Percentile(published, 0.99):F2} ms");
if (reached.Count > 0)
{
    Console.WriteLine($"one route change reaching all {subscriberCount} subscribers: p50 {Percentile(reached, 0.5):F1} ms, p99 {Percentile(reached, 0.99):F1} ms");
}

// The incremental state must be what a full translation of the changed cluster gives.
var finalRoutes = snapshot.HttpRoutes.Select((r, i) => changedRoutes.GetValueOrDefault(i) ?? r).ToList();
var reference = MeshTranslator.Translate(snapshot with { HttpRoutes = finalRoutes });
var mismatches = reference.Frontends.Count(f => Json(f.Value) != Json(translator.State.Frontends.GetValueOrDefault(f.Key)))
    + reference.RouteStatuses.Count(s => Json(s.Value) != Json(translator.State.RouteStatuses.GetValueOrDefault(s.Key)));
Console.WriteLine($"incremental state equals a full translation of the changed cluster: {(mismatches == 0 ? "yes" : $"NO, {mismatches} differ")}");

// What the silo's informers hold besides: every object as the JSON it was read as.
var beforeJson = GC.GetTotalMemory(true);
var informerCopies = snapshot.Services.Select(s => KubernetesJson.ToNode(s))
    .Concat(snapshot.EndpointSlices.Select(s => KubernetesJson.ToNode(s)))
    .Concat(finalRoutes.Select(r => KubernetesJson.ToNode(r)))
    .ToList();
var jsonBytes = GC.GetTotalMemory(true) - beforeJson;
Console.WriteLine($"informer copies (one JsonObject per object, as the silo's informers keep them): {Mib(jsonBytes)} MiB; silo estimate {Mib(siloBytes + jsonBytes)} MiB managed; working set now {Mib(Environment.WorkingSet)} MiB");
GC.KeepAlive(informerCopies);
GC.KeepAlive(translator);

static string GCSettings() => System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";

static long Mib(long bytes) => bytes / (1024 * 1024);

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
}

static string Join(List<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

static string Json<T>(T value) => JsonSerializer.Serialize(value, KubernetesJson.Options);
