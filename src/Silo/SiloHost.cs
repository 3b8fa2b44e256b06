using System.Net;
using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Hosting;
using Mesh.Silo.Admin;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Observability;
using Mesh.Silo.Status;
using Mesh.Silo.Subscriptions;
using Mesh.Silo.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Silo;

/// <summary>Builds the silo: Kubernetes informers → reconciler → grains → subscription hub, plus status and admin.</summary>
public static class SiloHost
{
    public static WebApplication Build(SiloOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = MeshWebHost.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Listen), options.Port, listen => listen.UseHttp1AndH2c());
            // A subscription's request body stays open and mostly silent (a proxy writes only when it wants
            // another Service) while the silo keeps a read pending on it: Kestrel's minimum body data rate
            // would end every stream after its grace period, and per request it cannot be lifted on HTTP/2.
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        var connection = KubernetesConnection.Resolve(options.KubeApi, options.Kubeconfig);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(connection);
        builder.Services.AddSingleton(sp => new KubernetesClient(KubernetesHttp.CreateClient(connection), connection));
        builder.Services.AddSingleton<ClusterInformers>();
        builder.Services.AddSingleton<SubscriptionHub>();
        builder.Services.AddSingleton(new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromSeconds(options.HeartbeatSeconds) });
        builder.Services.AddSingleton<SiloMetrics>();
        builder.Services.AddSingleton(sp =>
        {
            var hub = sp.GetRequiredService<SubscriptionHub>();
            return new LocalGrainRuntime().Register<IServiceGrain>(key => new ServiceGrain(key, hub));
        });
        // The seam an Orleans host would fill: everything else asks for IGrainFactory.
        builder.Services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<LocalGrainRuntime>());
        builder.Services.AddSingleton<LeaseElector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LeaseElector>());
        builder.Services.AddSingleton<RouteStatusWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RouteStatusWriter>());
        builder.Services.AddSingleton<MeshReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeshReconciler>());
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapSubscriptions();
        app.MapAdmin();
        MeshWebHost.StopWithParent(app, options.ParentPid);
        return app;
    }

    /// <summary>The address the silo listens on, once started (resolves port 0).</summary>
    public static Uri Address(WebApplication app) => MeshWebHost.ListeningAddresses(app)[0];
}
