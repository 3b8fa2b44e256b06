using System.Diagnostics;
using Mesh.Grains.Subscription;
using Mesh.Silo.Subscriptions;

namespace Mesh.Bench.Scale;

/// <summary>
/// Subscribers simulated in this process: each has a writer loop that serializes its pending messages
/// as the silo's stream endpoint does, but to a null stream instead of a socket, and notes when each
/// Service's message went out.
/// </summary>
internal sealed class InProcessSubscribers : IAsyncDisposable
{
    private readonly List<(string Key, long Ticks)>[] _delivered;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers;

    public InProcessSubscribers(SubscriptionHub hub, int count)
    {
        _delivered = Enumerable.Range(0, count).Select(_ => new List<(string, long)>()).ToArray();
        _writers = Enumerable.Range(0, count)
            .Select(i => (Subscriber: hub.Subscribe(new SubscribeRequest { Proxy = $"proxy-{i}" }), Delivered: _delivered[i]))
            .Select(s => Task.Run(() => WriterLoopAsync(hub, s.Subscriber, s.Delivered, _stop.Token)))
            .ToList();
    }

    /// <summary>Waits until every subscriber has sent at least <paramref name="services"/> Service messages, then forgets them.</summary>
    public async Task WaitForInitialAsync(int services)
    {
        await WaitUntilAsync(() => _delivered.All(d => { lock (d) { return d.Count >= services; } }));
        Clear();
    }

    /// <summary>Waits until every subscriber has sent <paramref name="key"/> after <paramref name="since"/>; returns each one's delay.</summary>
    public async Task<List<double>> WaitForAsync(string key, long since)
    {
        await WaitUntilAsync(() => _delivered.All(d => { lock (d) { return d.Exists(x => x.Key == key && x.Ticks >= since); } }));
        var latencies = new List<double>(_delivered.Length);
        foreach (var d in _delivered)
        {
            lock (d)
            {
                latencies.Add(Stopwatch.GetElapsedTime(since, d.Last(x => x.Key == key).Ticks).TotalMilliseconds);
            }
        }
        Clear();
        return latencies;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
        _stop.Dispose();
    }

    private void Clear()
    {
        foreach (var d in _delivered)
        {
            lock (d)
            {
                d.Clear();
            }
        }
    }

    private static async Task WriterLoopAsync(SubscriptionHub hub, Subscriber subscriber, List<(string Key, long Ticks)> delivered, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var message in hub.TakePending(subscriber))
                {
                    await Stream.Null.WriteAsync(MessageEncoder.Encode(message), ct);
                    if (message.Key is { } key)
                    {
                        lock (delivered)
                        {
                            delivered.Add((key, Stopwatch.GetTimestamp()));
                        }
                    }
                }
                await subscriber.Wake.ReadAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("the subscribers did not catch up within two minutes");
            }
            await Task.Delay(1);
        }
    }
}
