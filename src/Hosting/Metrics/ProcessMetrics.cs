using System.Diagnostics;

namespace Mesh.Hosting.Metrics;

/// <summary>
/// The process's own costs, under the names Prometheus client libraries use: CPU time, memory and
/// bytes allocated. Divided by a request counter they give CPU and allocation per request, which is
/// how bench/load compares proxies on a machine too busy for throughput alone to be trusted.
/// </summary>
public static class ProcessMetrics
{
    public static void RegisterInto(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new GaugeFamily("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", [],
            () => [(default, CurrentProcess().TotalProcessorTime.TotalSeconds)], "counter"));
        registry.Register(new GaugeFamily("process_resident_memory_bytes", "Resident memory size, in bytes.", [],
            () => [(default, CurrentProcess().WorkingSet64)]));
        registry.Register(new GaugeFamily("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.", [],
            () => [(default, GC.GetTotalAllocatedBytes(precise: false))], "counter"));
        registry.Register(new GaugeFamily("dotnet_gc_heap_bytes", "Bytes in use on the managed heap.", [],
            () => [(default, GC.GetTotalMemory(forceFullCollection: false))]));
        registry.Register(new GaugeFamily("dotnet_gc_collections_total", "Garbage collections, by generation.", ["generation"],
            () => Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => (new LabelValues(g.ToString(System.Globalization.CultureInfo.InvariantCulture)), (double)GC.CollectionCount(g))),
            "counter"));
        // Pauses stop every thread at once: the metric that tells a latency tail made by the GC from one made elsewhere.
        registry.Register(new GaugeFamily("dotnet_gc_pause_seconds_total", "Time the process was paused for garbage collection, in seconds.", [],
            () => [(default, GC.GetTotalPauseDuration().TotalSeconds)], "counter"));
    }

    private static Process CurrentProcess()
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        return process;
    }
}
