using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Gateway.Tables;
using Mesh.Grains.Model;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;
using Mesh.Grains.Subscription;
using Mesh.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Subscription;

/// <summary>
/// Holds the proxy's subscription to a silo: one HTTP/2 stream, resumed with the versions already held
/// after any break, with backoff. While no silo answers, the last good tables stay in force.
/// </summary>
public sealed class SiloSubscriptionClient(GatewayOptions options, TableHolder tables, ServiceDemand demand, ILogger<SiloSubscriptionClient> logger)
    : BackgroundService
{
    /// <summary>No line (not even a heartbeat) for this long means the silo is gone.</summary>
    private static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(20);

    private readonly HeldState _held = new();
    private readonly string[] _silos = options.Silo.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    private int _siloIndex;
    private readonly TableCompiler _compiler = new();
    private ServiceDirectory _directory = ServiceDirectory.Empty;
    private bool _directoryChanged;
    // Services received since the tables were last replaced: on-demand requests wait for these.
    private readonly List<string> _arrived = [];
    // Services whose facets changed since the last compile: all the compiler needs to look at.
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly SnapshotFile? _snapshot = options.Snapshot is { Length: > 0 } path ? new SnapshotFile(path, logger) : null;
    private Task _saving = Task.CompletedTask;
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
    });

    public long MessagesApplied { get; private set; }

    /// <summary>The silo currently (or last) subscribed to.</summary>
    public string CurrentSilo => _silos[_siloIndex % _silos.Length];

    /// <summary>True while a subscription stream is open and synced.</summary>
    public bool Connected { get; private set; }

    /// <summary>Loads the snapshot before the host reports started, so its tables serve from the first request.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        LoadSnapshot();
        return base.StartAsync(cancellationToken);
    }

    private void LoadSnapshot()
    {
        if (_snapshot?.TryLoad() is { } saved)
        {
            foreach (var (key, facet) in saved.Frontends)
            {
                _held.Frontends[key] = facet;
                _changed.Add(key);
            }
            foreach (var (key, facet) in saved.Backends)
            {
                _held.Backends[key] = facet;
                _changed.Add(key);
            }
            foreach (var (key, entry) in saved.Directory)
            {
                _held.Directory[key] = entry;
            }
            _directoryChanged = true;
            _held.Workloads = saved.Workloads;
            if (demand.Enabled)
            {
                demand.Hold(saved.Frontends.Keys.Union(saved.Backends.Keys));
            }
            tables.Replace(Compile(), complete: true);
            logger.LogInformation("Serving {Count} Services from the snapshot {Path} until a silo answers.", _held.Frontends.Count, options.Snapshot);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SubscribeOnceAsync(backoff, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException or OperationCanceledException or InvalidDataException)
            {
                Connected = false;
                logger.LogWarning("Subscription to {Silo} broke ({Error}); serving the last good tables.", CurrentSilo, e.Message);
            }
            // Any silo can resume us: versions are the same on every replica, so only differences are sent.
            _siloIndex++;
            await backoff.DelayAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task SubscribeOnceAsync(Backoff backoff, CancellationToken stoppingToken)
    {
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            await ReadStreamAsync(backoff, stream).ConfigureAwait(false);
        }
        finally
        {
            // Ends the request body too: a broken stream's body must not go on taking wants meant for the next one.
            await stream.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadStreamAsync(Backoff backoff, CancellationTokenSource stream)
    {
        var first = JsonSerializer.SerializeToUtf8Bytes(BuildRequest(), KubernetesJson.Options).Append((byte)'\n').ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(CurrentSilo), SubscriptionProtocol.Path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new OpenRequestContent(first, demand.Enabled ? demand.NewWants : null, stream.Token),
        };
        using var response = await _http.SendAsync(request, stream.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the silo answered {(int)response.StatusCode}");
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stream.Token).ConfigureAwait(false), Encoding.UTF8);
        var synced = false;
        while (true)
        {
            stream.CancelAfter(SilenceLimit);
            var line = await reader.ReadLineAsync(stream.Token).ConfigureAwait(false)
                ?? throw new IOException("the silo ended the stream");
            if (line.Length == 0)
            {
                continue;
            }
            var message = JsonSerializer.Deserialize<SubscriptionMessage>(line, KubernetesJson.Options)
                ?? throw new InvalidDataException("empty subscription message");
            if (message.Type == MessageType.Synced)
            {
                synced = true;
                Connected = true;
                backoff.Reset();
                logger.LogInformation("Synced with {Silo}: {Count} Services.", CurrentSilo, _held.Frontends.Count);
            }
            else if (!Apply(message))
            {
                continue;
            }
            if (synced)
            {
                Publish();
                ScheduleSave(stream.Token);
            }
        }
    }

    /// <summary>Puts the held state in force, then tells waiting requests which Services it now holds.</summary>
    private void Publish()
    {
        var compiled = Compile();
        tables.Replace(compiled, complete: true);
        if (demand.Enabled && _arrived.Count > 0)
        {
            foreach (var key in _arrived)
            {
                if (compiled.ServicesByKey.GetValueOrDefault(key) is { } service)
                {
                    demand.WantReferences(service);
                }
            }
            demand.MarkArrived(_arrived);
        }
        _arrived.Clear();
    }

    private RouteTables Compile()
    {
        if (_directoryChanged)
        {
            // Rebuilt only when an entry changed: with 10,000 Services it is the largest table an on-demand proxy has.
            _directory = ServiceDirectory.From(_held.Directory);
            _directoryChanged = false;
        }
        var compiled = _compiler.Update(_held.Frontends, _held.Backends, _held.Workloads?.Value, _changed, _directory);
        _changed.Clear();
        return compiled;
    }

    /// <summary>Saves the held state soon, coalescing a burst of changes into one write.</summary>
    private void ScheduleSave(CancellationToken ct)
    {
        if (_snapshot is null || !_saving.IsCompleted)
        {
            return;
        }
        _saving = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            HeldState copy;
            lock (_held)
            {
                copy = new HeldState
                {
                    Frontends = new(_held.Frontends, StringComparer.Ordinal),
                    Backends = new(_held.Backends, StringComparer.Ordinal),
                    Directory = new(_held.Directory, StringComparer.Ordinal),
                    Workloads = _held.Workloads,
                };
            }
            await _snapshot.SaveAsync(copy, ct).ConfigureAwait(false);
        }, ct).ContinueWith(t =>
        {
            if (t.Exception is { } e)
            {
                logger.LogWarning("Snapshot not written: {Error}", e.GetBaseException().Message);
            }
        }, TaskScheduler.Default);
    }

    private SubscribeRequest BuildRequest()
    {
        lock (_held)
        {
            return new SubscribeRequest
            {
                Proxy = options.ProxyName,
                Services = demand.Enabled ? [.. demand.Wanted] : [SubscriptionProtocol.AllServices],
                Directory = demand.Enabled ? true : null,
                Have = _held.Frontends.Keys.Union(_held.Backends.Keys).Union(_held.Directory.Keys).ToDictionary(
                    key => key,
                    key => new HeldVersions
                    {
                        Frontend = _held.Frontends.GetValueOrDefault(key)?.Version,
                        Backend = _held.Backends.GetValueOrDefault(key)?.Version,
                        Directory = _held.Directory.GetValueOrDefault(key)?.Version,
                    }),
                Workloads = _held.Workloads?.Version,
            };
        }
    }

    /// <summary>Applies one message to the held facets; false when it changes nothing the tables use.</summary>
    private bool Apply(SubscriptionMessage message)
    {
        lock (_held)
        {
            return ApplyHeld(message);
        }
    }

    private bool ApplyHeld(SubscriptionMessage message)
    {
        switch (message.Type)
        {
            case MessageType.Service when message.Key is { } key:
                if (message.Removed == true)
                {
                    _held.Frontends.Remove(key);
                    _held.Backends.Remove(key);
                    _directoryChanged |= _held.Directory.Remove(key);
                }
                if (message.Directory is { } entry)
                {
                    _held.Directory[key] = entry;
                    _directoryChanged = true;
                }
                if (message.Frontend is not null || message.Backend is not null || message.Removed == true)
                {
                    _arrived.Add(key);
                    _changed.Add(key);
                }
                if (message.Frontend is { } frontend)
                {
                    _held.Frontends[key] = frontend;
                }
                if (message.Backend is { } backend)
                {
                    _held.Backends[key] = backend;
                }
                break;
            case MessageType.Workloads when message.Workloads is { } workloads:
                _held.Workloads = workloads;
                break;
            default:
                return false; // Heartbeats, and types a newer silo may add.
        }
        MessagesApplied++;
        return true;
    }
}
