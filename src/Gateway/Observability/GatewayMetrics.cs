using Mesh.Gateway.Tables;
using Mesh.Hosting.Metrics;

namespace Mesh.Gateway.Observability;

/// <summary>
/// What a proxy node counts. Labels come only from configuration (Service, route, backend names), never
/// from request data, so the number of series stays bounded by the size of the mesh.
/// </summary>
public sealed class GatewayMetrics
{
    public GatewayMetrics(TableHolder tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Requests = Registry.Register(new CounterFamily("mesh_gateway_requests_total",
            "Requests answered, by Service frontend, route, backend and status class.", "service", "route", "backend", "code"));
        Duration = Registry.Register(new HistogramFamily("mesh_gateway_request_duration_seconds",
            "Time from receiving a request to its last response byte, by Service frontend.", HistogramFamily.LatencySeconds, "service"));
        Retries = Registry.Register(new CounterFamily("mesh_gateway_retries_total", "Retried attempts, by backend Service.", "backend"));
        Mirrors = Registry.Register(new CounterFamily("mesh_gateway_mirrored_requests_total", "Mirrored copies sent, by mirror Service.", "backend"));
        AccessLogDropped = Registry.Register(new CounterFamily("mesh_gateway_access_log_dropped_total",
            "Access-log lines lost because the writer fell behind (queue full) or its output failed."));
        FrontConnections = Registry.Register(new CounterFamily("mesh_gateway_front_connections_total",
            "Client connections the lean HTTP/1.1 front accepted (front=\"lean\"), and those of them it handed to Kestrel "
            + "(front=\"kestrel\": h2c, upgrades, anything unusual). Not counted when the lean front is off.", "front"));
        Registry.Register(new GaugeFamily("mesh_gateway_services", "Services in the route tables.", [],
            () => [(default, tables.Current.ServicesByKey.Count)]));
        Registry.Register(new GaugeFamily("mesh_gateway_endpoint_ejections_total",
            "Times each endpoint was ejected as an outlier (counted since it was first seen).", ["service", "endpoint"],
            () => tables.Current.EndpointPools.Values
                .SelectMany(pool => pool.Endpoints.Select(e => (new LabelValues(pool.Service, e.Address.ToString()), (double)e.TotalEjections)))
                .Where(e => e.Item2 > 0)));
    }

    public MetricRegistry Registry { get; } = new();
    public CounterFamily Requests { get; }
    public HistogramFamily Duration { get; }
    public CounterFamily Retries { get; }
    public CounterFamily Mirrors { get; }
    public CounterFamily AccessLogDropped { get; }
    public CounterFamily FrontConnections { get; }

    public static string CodeClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };
}
