using System.Text.Json.Nodes;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;
using Mesh.Grains.Status;
using Mesh.Silo.Kubernetes;
using Mesh.Silo.Leadership;
using Mesh.Silo.Observability;
using Mesh.Silo.Status;
using Mesh.Silo.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Silo.Tests;

/// <summary>
/// Status writes against a fake API server. A write that loses a race (409 Conflict: another controller wrote
/// the route's status first) is tried again, merged into the newer object, even though Mesh's desired status
/// did not change. A route that is no concern of Mesh's any more has Mesh's entry taken out, even when that
/// changed while no silo was running.
/// </summary>
public sealed class StatusWriteRetryTests
{
    private const string RoutePath = "/apis/gateway.networking.k8s.io/v1/namespaces/ns/httproutes/r";

    private static string Route(int rv) => $$$"""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"ns","resourceVersion":"{{{rv}}}","generation":1},
         "spec":{"parentRefs":[{"group":"","kind":"Service","name":"svc","port":80}]}}
        """;

    [Fact]
    public async Task A_conflicting_status_write_is_retried_until_it_lands()
    {
        var statusWrites = new List<string>();
        await using var server = await RouteServerAsync(Route(5), async (context, body) =>
        {
            int count;
            lock (statusWrites)
            {
                statusWrites.Add(body);
                count = statusWrites.Count;
            }
            if (count == 1)
            {
                context.Response.StatusCode = 409;
                await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,"message":"the object has been modified"}""");
                return;
            }
            await context.Response.WriteAsync(body);
        });

        await using var silo = await LeadingWriter.StartAsync(server);
        silo.Writer.Publish([new(MeshState.StatusKey("HTTPRoute", new ObjectKey("ns", "r")), Accepted())]);
        await WaitUntilAsync(() => { lock (statusWrites) { return statusWrites.Count >= 2; } }, "the status is written again after the conflict");

        await silo.DisposeAsync();
        var second = JsonNode.Parse(statusWrites[1])!;
        Assert.Equal(MeshController.Name, second["status"]!["parents"]![0]!["controllerName"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_first_full_translation_clears_Mesh_entries_from_routes_that_name_no_Service_any_more()
    {
        // Written by a silo while the route named a Service; it names a Gateway now, changed while no silo ran.
        const string Stale = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"ns","resourceVersion":"5","generation":2},
             "spec":{"parentRefs":[{"name":"some-gateway"}]},
             "status":{"parents":[
               {"parentRef":{"name":"some-gateway"},"controllerName":"example.com/gateway","conditions":[]},
               {"parentRef":{"group":"","kind":"Service","name":"svc","port":80},"controllerName":"mesh.dev/gamma-controller","conditions":[]}]}}
            """;
        var statusWrites = new List<string>();
        await using var server = await RouteServerAsync(Stale, async (context, body) =>
        {
            lock (statusWrites)
            {
                statusWrites.Add(body);
            }
            await context.Response.WriteAsync(body);
        });

        await using var silo = await LeadingWriter.StartAsync(server);
        silo.Writer.PublishAll(new Dictionary<string, RouteStatus>()); // The translation gives the route no status.
        await WaitUntilAsync(() => { lock (statusWrites) { return statusWrites.Count >= 1; } }, "the route's status is written");

        await silo.DisposeAsync();
        var parents = JsonNode.Parse(statusWrites[0])!["status"]!["parents"]!.AsArray();
        Assert.Equal(["example.com/gateway"], parents.Select(p => p!["controllerName"]!.GetValue<string>()));
    }

    /// <summary>
    /// A fake API server listing one HTTPRoute "ns/r" (<paramref name="route"/>), holding watches open, granting the lease,
    /// and handing each status PUT of the route, with its body, to <paramref name="onStatusWrite"/>.
    /// </summary>
    private static Task<FakeApiServer> RouteServerAsync(string route, Func<HttpContext, string, Task> onStatusWrite) =>
        FakeApiServer.StartAsync(async (self, context) =>
        {
            var path = context.Request.Path.Value!;
            if (path.Contains("/leases", StringComparison.Ordinal))
            {
                await AnswerLeaseAsync(context);
                return;
            }
            if (context.Request.Query.ContainsKey("watch"))
            {
                await self.HoldOpenAsync(context);
                return;
            }
            if (context.Request.Method == "PUT" && path == RoutePath + "/status")
            {
                await onStatusWrite(context, await new StreamReader(context.Request.Body).ReadToEndAsync());
                return;
            }
            await context.Response.WriteAsync($$$"""{"kind":"HTTPRouteList","apiVersion":"gateway.networking.k8s.io/v1","metadata":{"resourceVersion":"5"},"items":[{{{route}}}]}""");
        });

    /// <summary>A status writer whose silo leads, once the fake server's route "ns/r" is listed.</summary>
    private sealed class LeadingWriter : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private LeaseElector _elector = null!;
        private Task _watching = Task.CompletedTask;
        private bool _disposed;

        public RouteStatusWriter Writer { get; private set; } = null!;

        public static async Task<LeadingWriter> StartAsync(FakeApiServer server)
        {
            var client = server.Client();
            var options = new SiloOptions();
            var informers = new ClusterInformers(client, NullLoggerFactory.Instance);
            var silo = new LeadingWriter { _elector = new LeaseElector(client, options, NullLogger<LeaseElector>.Instance) };
            var metrics = new SiloMetrics(informers, new SubscriptionHub(), silo._elector);
            silo.Writer = new RouteStatusWriter(informers, client, silo._elector, metrics, options, NullLogger<RouteStatusWriter>.Instance);
            silo._watching = informers.HttpRoutes.RunAsync(silo._stop.Token);
            await silo._elector.StartAsync(silo._stop.Token);
            await silo.Writer.StartAsync(silo._stop.Token);
            await WaitUntilAsync(() => informers.HttpRoutes.Get("ns", "r") is not null && silo._elector.IsLeader, "the route is listed and this silo leads");
            return silo;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            await _stop.CancelAsync();
            await Writer.StopAsync(CancellationToken.None);
            await _elector.StopAsync(CancellationToken.None);
            await _watching;
            Writer.Dispose();
            _elector.Dispose();
            _stop.Dispose();
        }
    }

    private static RouteStatus Accepted() => new()
    {
        Parents =
        [
            new RouteParentStatus
            {
                ParentRef = new ParentReference { Group = "", Kind = "Service", Name = "svc", Port = 80 },
                Conditions = [new Condition { Type = RouteConditions.Accepted, Status = "True", Reason = "Accepted", ObservedGeneration = 1 }],
            },
        ],
    };

    /// <summary>No lease yet (404), then every create or renewal accepted as sent.</summary>
    private static async Task AnswerLeaseAsync(HttpContext context)
    {
        if (context.Request.Method == "GET")
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
            return;
        }
        var lease = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        lease["metadata"]!["resourceVersion"] = "1";
        context.Response.StatusCode = context.Request.Method == "POST" ? 201 : 200;
        await context.Response.WriteAsync(lease.ToJsonString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
