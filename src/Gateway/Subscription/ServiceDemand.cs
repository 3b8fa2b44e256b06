using System.Collections.Concurrent;
using System.Threading.Channels;
using Mesh.Gateway.Tables;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Subscription;

/// <summary>
/// The Services an on-demand proxy has asked the silo for, and whether each has arrived. A request for a
/// Service not asked for yet asks for it (and, once its routes are known, for the Services they send to)
/// and waits, for a bounded time, until the tables in force hold it.
/// </summary>
public sealed class ServiceDemand(GatewayOptions options, TableHolder tables, ILogger<ServiceDemand> logger)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    // Each key is written once, when first wanted, so this is bounded by the Services that exist. Read by
    // the open stream's request body; a key read by a stream that then breaks is in the next stream's request.
    private readonly Channel<string> _newWants = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly TimeSpan _wait = TimeSpan.FromSeconds(options.OnDemandWaitSeconds);

    public bool Enabled { get; } = SubscriptionModes.IsOnDemand(options);

    /// <summary>Every key wanted so far: what a new subscription stream asks for up front.</summary>
    public IReadOnlyList<string> Wanted => [.. _arrivals.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Keys wanted since they were last read: what the open stream asks for next.</summary>
    public ChannelReader<string> NewWants => _newWants.Reader;

    /// <summary>True when the tables in force hold the Service and every Service its routes send to (or know they do not exist).</summary>
    public bool IsReady(string key, RouteTables current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (!HasArrived(key))
        {
            return false;
        }
        foreach (var reference in current.ServicesByKey.GetValueOrDefault(key)?.References ?? [])
        {
            if (!HasArrived(reference))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Asks for the Service and the Services its routes use, and waits until they are in the tables or the wait is over.</summary>
    public async Task EnsureAsync(string key, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(_wait);
        try
        {
            await ArrivalOf(key).WaitAsync(timeout.Token).ConfigureAwait(false);
            var references = tables.Current.ServicesByKey.GetValueOrDefault(key)?.References ?? [];
            await Task.WhenAll(references.Select(ArrivalOf)).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Service {Service} did not arrive from the silo within {Seconds} s; answering without it.", key, _wait.TotalSeconds);
        }
    }

    /// <summary>The tables in force now hold these keys (or the silo said they do not exist).</summary>
    public void MarkArrived(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (_arrivals.TryGetValue(key, out var arrival))
            {
                arrival.TrySetResult();
            }
        }
    }

    /// <summary>Asks ahead for the Services a held Service's routes send to, so requests need not wait for them.</summary>
    public void WantReferences(ServiceTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var reference in table.References)
        {
            _ = ArrivalOf(reference);
        }
    }

    /// <summary>Services held already (from a snapshot): wanted, and arrived.</summary>
    public void Hold(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            held.SetResult();
            _arrivals.TryAdd(key, held);
        }
    }

    private bool HasArrived(string key) => _arrivals.TryGetValue(key, out var arrival) && arrival.Task.IsCompleted;

    private Task ArrivalOf(string key)
    {
        if (_arrivals.TryGetValue(key, out var existing))
        {
            return existing.Task;
        }
        var arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_arrivals.TryAdd(key, arrival))
        {
            _newWants.Writer.TryWrite(key);
            return arrival.Task;
        }
        return _arrivals[key].Task;
    }
}
