using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mesh.Silo.Kubernetes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Leadership;

/// <summary>
/// Standard Kubernetes leader election on a coordination.k8s.io/v1 Lease, so exactly one silo writes
/// route status while every silo serves proxies. The holder renews every <see cref="RetryPeriod"/>;
/// it stops acting as leader if it has not renewed within <see cref="RenewDeadline"/>; others take
/// over once <see cref="LeaseDuration"/> has passed since the last renewal. A stopping leader clears
/// the holder so a successor need not wait the lease out.
/// </summary>
public sealed class LeaseElector(KubernetesClient client, SiloOptions options, ILogger<LeaseElector> logger) : BackgroundService
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);

    private const long Never = -1;
    private long _lastRenewTicks = Never;

    /// <summary>This silo's name in the Lease.</summary>
    public string Identity { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>True while this silo holds a lease it renewed within the renew deadline.</summary>
    public bool IsLeader
    {
        get
        {
            var renewed = Interlocked.Read(ref _lastRenewTicks);
            return renewed != Never && Environment.TickCount64 - renewed < RenewDeadline.TotalMilliseconds;
        }
    }

    /// <summary>Raised when this silo becomes leader, so work held back can be done.</summary>
    public event Action? Elected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wasLeader = IsLeader;
            try
            {
                if (await TryAcquireOrRenewAsync(stoppingToken).ConfigureAwait(false))
                {
                    Interlocked.Exchange(ref _lastRenewTicks, Environment.TickCount64);
                    if (!wasLeader)
                    {
                        logger.LogInformation("{Identity} now writes route status (lease {Namespace}/{Name}).", Identity, options.LeaseNamespace, options.LeaseName);
                        Elected?.Invoke();
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or KubernetesApiException or IOException)
            {
                logger.LogWarning("Lease {Name}: {Error}", options.LeaseName, e.Message);
            }
            try
            {
                await Task.Delay(RetryPeriod, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await ReleaseAsync().ConfigureAwait(false);
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        JsonObject lease;
        try
        {
            lease = await client.GetAsync(ResourceKind.Leases, options.LeaseNamespace, options.LeaseName, ct).ConfigureAwait(false);
        }
        catch (KubernetesApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return await TryWriteAsync(() => client.CreateAsync(ResourceKind.Leases, options.LeaseNamespace, NewLease(transitions: 0), ct)).ConfigureAwait(false);
        }

        var spec = lease["spec"] as JsonObject ?? [];
        var holder = spec["holderIdentity"]?.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        if (holder != Identity && !string.IsNullOrEmpty(holder) && !Expired(spec, now))
        {
            return false; // Someone else holds a live lease.
        }
        var transitions = spec["leaseTransitions"]?.GetValue<int>() ?? 0;
        if (holder != Identity)
        {
            spec["acquireTime"] = MicroTime(now);
            spec["leaseTransitions"] = transitions + 1;
        }
        spec["holderIdentity"] = Identity;
        spec["leaseDurationSeconds"] = (int)LeaseDuration.TotalSeconds;
        spec["renewTime"] = MicroTime(now);
        lease["spec"] = spec;
        return await TryWriteAsync(() => client.ReplaceAsync(ResourceKind.Leases, lease, ct)).ConfigureAwait(false);
    }

    /// <summary>A create or conditional replace; losing a race (409) just means another silo got there first.</summary>
    private static async Task<bool> TryWriteAsync(Func<Task<JsonObject>> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (KubernetesApiException e) when (e.Status is HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        if (!IsLeader)
        {
            return;
        }
        Interlocked.Exchange(ref _lastRenewTicks, Never);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var lease = await client.GetAsync(ResourceKind.Leases, options.LeaseNamespace, options.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease["spec"] is JsonObject spec && spec["holderIdentity"]?.GetValue<string>() == Identity)
            {
                spec["holderIdentity"] = "";
                spec["leaseDurationSeconds"] = 1;
                spec["renewTime"] = MicroTime(DateTimeOffset.UtcNow);
                await client.ReplaceAsync(ResourceKind.Leases, lease, timeout.Token).ConfigureAwait(false);
                logger.LogInformation("{Identity} released the lease.", Identity);
            }
        }
        catch (Exception e) when (e is HttpRequestException or KubernetesApiException or OperationCanceledException or IOException)
        {
            logger.LogWarning("Lease not released ({Error}); it expires in {Seconds}s.", e.Message, LeaseDuration.TotalSeconds);
        }
    }

    private JsonObject NewLease(int transitions)
    {
        var now = MicroTime(DateTimeOffset.UtcNow);
        return new JsonObject
        {
            ["apiVersion"] = ResourceKind.Leases.ApiVersion,
            ["kind"] = ResourceKind.Leases.Kind,
            ["metadata"] = new JsonObject { ["name"] = options.LeaseName, ["namespace"] = options.LeaseNamespace },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = Identity,
                ["leaseDurationSeconds"] = (int)LeaseDuration.TotalSeconds,
                ["acquireTime"] = now,
                ["renewTime"] = now,
                ["leaseTransitions"] = transitions,
            },
        };
    }

    private static bool Expired(JsonObject spec, DateTimeOffset now)
    {
        if (spec["renewTime"]?.GetValue<string>() is not { } renew
            || !DateTimeOffset.TryParse(renew, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var renewed))
        {
            return true;
        }
        var duration = TimeSpan.FromSeconds(spec["leaseDurationSeconds"]?.GetValue<int>() ?? (int)LeaseDuration.TotalSeconds);
        return renewed + duration < now;
    }

    /// <summary>metav1.MicroTime: RFC 3339 with microseconds.</summary>
    private static string MicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
