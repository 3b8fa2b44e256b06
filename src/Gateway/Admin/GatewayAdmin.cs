using Mesh.Gateway.Forwarding;
using System.Text.Json;
using Mesh.Gateway.Observability;
using Mesh.Gateway.Subscription;
using Mesh.Gateway.Tables;
using Mesh.Grains.Model;
using Mesh.Hosting.Metrics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Admin;

/// <summary>
/// The admin port of a proxy node: /healthz, /readyz (tables held), /metrics (Prometheus text) and
/// /config (the tables in force, with the facet versions they came from). Kept off the traffic port,
/// where every path belongs to the mesh's Services.
/// </summary>
public sealed class GatewayAdmin(TableHolder tables, GatewayMetrics metrics, SiloSubscriptionClient subscription)
{
    /// <summary>Connection item that marks connections accepted on the admin listener.</summary>
    public const string ConnectionItem = "mesh.admin";

    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RequestMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return context.Response.WriteAsync("ok\n");
            case "/readyz":
                context.Response.StatusCode = tables.Ready.IsCompletedSuccessfully ? 200 : 503;
                return context.Response.WriteAsync(tables.Ready.IsCompletedSuccessfully ? "ready\n" : "no tables from a silo yet\n");
            case "/metrics":
                context.Response.ContentType = PrometheusText.ContentType;
                return context.Response.WriteAsync(metrics.Registry.Render());
            case "/config":
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync(JsonSerializer.Serialize(Describe(), KubernetesJson.Options));
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync("admin paths: /healthz /readyz /metrics /config\n");
        }
    }

    private object Describe()
    {
        var current = tables.Current;
        return new
        {
            Ready = tables.Ready.IsCompletedSuccessfully,
            subscription.Connected,
            subscription.CurrentSilo,
            subscription.MessagesApplied,
            Services = current.ServicesByKey.Values.OrderBy(s => s.Key, StringComparer.Ordinal).Select(service => new
            {
                service.Key,
                FrontendVersion = service.Version,
                service.ClusterIP,
                Ports = service.Ports.Values.OrderBy(p => p.Port).Select(port => new
                {
                    port.Port,
                    port.AppProtocol,
                    Producer = Describe(port.Producer),
                    Consumers = port.Consumers.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => Describe(c.Value)),
                }),
            }),
            Endpoints = current.EndpointPools.Values.OrderBy(p => p.Service, StringComparer.Ordinal).ThenBy(p => p.Port).Select(pool => new
            {
                pool.Service,
                pool.Port,
                Endpoints = pool.Endpoints.Select(e => new { Address = e.Address.ToString(), e.InFlight, Ejections = e.TotalEjections }),
            }),
            Workloads = current.WorkloadsByAddress.Count,
            DirectoryEntries = current.Directory.ByKey.Count, // On-demand proxies: every Service they could fetch.
        };
    }

    private static object? Describe(RouteSet? set) => set is null ? null : new
    {
        Http = set.Http.Entries.Select(e => $"{e.Route}#{e.RuleIndex} {e.Matcher.PathType} {e.Matcher.Path}"),
        Grpc = set.Grpc.Entries.Select(e => $"{e.Route}#{e.RuleIndex} {e.Matcher.PathType} {e.Matcher.Path}"),
    };
}
