using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Hosting.Metrics;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Observability;
using Mesh.Silo.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Admin;

/// <summary>Health and inspection endpoints on the silo port.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (SubscriptionHub hub, ClusterInformers informers, LeaseElector elector) =>
            Results.Content(StatusPage.Render(hub, informers, elector), "text/html; charset=utf-8"));
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (SubscriptionHub hub) => hub.Initialized.IsCompletedSuccessfully
            ? Results.Text("ready\n")
            : Results.Text("not synced with the Kubernetes API yet\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGet("/api/v1/services/{ns}/{name}", async (string ns, string name, IGrainFactory grains) =>
        {
            var snapshot = await grains.GetGrain<IServiceGrain>($"{ns}/{name}").GetAsync().ConfigureAwait(false);
            return snapshot.Exists ? Results.Json(snapshot, Grains.Model.KubernetesJson.Options) : Results.NotFound();
        });
        endpoints.MapGet("/metrics", (SiloMetrics metrics) => Results.Text(metrics.Registry.Render(), PrometheusText.ContentType));
        endpoints.MapGet("/api/v1/proxies", (SubscriptionHub hub) => Results.Json(hub.Subscribers, Grains.Model.KubernetesJson.Options));
        return endpoints;
    }
}
