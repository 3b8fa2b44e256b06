using System.Net;
using Mesh.Grains.State;

namespace Mesh.Gateway.Balancing;

/// <summary>
/// The endpoints of one Service port and how to choose among them: least requests in flight between
/// two picked at random (power of two choices), skipping ejected outliers while at most half the
/// endpoints are ejected (beyond that, as Envoy's panic threshold, ejection is ignored, so that a few
/// survivors do not take all the load of a sick Service). Ready endpoints serve new
/// requests; when none is ready, terminating endpoints that still serve are used, as Kubernetes
/// proxies do, so a rollout drains instead of cutting traffic.
/// </summary>
public sealed class EndpointPool
{
    private readonly EndpointState[] _ready;
    private readonly EndpointState[] _servingTerminating;

    public EndpointPool(string service, BackendPort port, Func<IPEndPoint, EndpointState> stateOf)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(stateOf);
        Service = service;
        Port = port.Port;
        AppProtocol = port.AppProtocol;
        IsH2c = Mesh.Grains.Binding.BackendProtocols.IsH2c(AppProtocol); // Once: asked on every request.
        var usable = port.Endpoints.Where(e => IPAddress.TryParse(e.Address, out _)).ToList();
        _ready = usable.Where(e => e.Ready).Select(e => stateOf(new IPEndPoint(IPAddress.Parse(e.Address), e.Port))).ToArray();
        _servingTerminating = usable.Where(e => !e.Ready && e.Serving && e.Terminating)
            .Select(e => stateOf(new IPEndPoint(IPAddress.Parse(e.Address), e.Port))).ToArray();
    }

    public string Service { get; }
    public int Port { get; }
    public string? AppProtocol { get; }

    /// <summary>True when the port speaks HTTP/2 without TLS (appProtocol kubernetes.io/h2c or grpc).</summary>
    public bool IsH2c { get; }

    public int ReadyCount => _ready.Length > 0 ? _ready.Length : _servingTerminating.Length;

    /// <summary>Every endpoint of the pool, ready or draining.</summary>
    public IEnumerable<EndpointState> Endpoints => _ready.Concat(_servingTerminating);

    /// <summary>The endpoint for the next request, or null when there is none.</summary>
    public EndpointState? Pick()
    {
        var candidates = _ready.Length > 0 ? _ready : _servingTerminating;
        if (candidates.Length == 0)
        {
            return null;
        }
        if (candidates.Length == 1)
        {
            return candidates[0];
        }
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        var first = candidates[Random.Shared.Next(candidates.Length)];
        var second = candidates[Random.Shared.Next(candidates.Length - 1)];
        if (ReferenceEquals(second, first))
        {
            second = candidates[^1];
        }
        var firstOk = !first.IsEjected(now);
        var secondOk = !second.IsEjected(now);
        if ((firstOk && secondOk) || MostlyEjected(candidates, now))
        {
            return second.InFlight < first.InFlight ? second : first;
        }
        if (firstOk != secondOk)
        {
            return firstOk ? first : second;
        }
        // Both ejected, and at least half are not: a healthy one from a random place, so none is favoured.
        var start = Random.Shared.Next(candidates.Length);
        for (var i = 0; i < candidates.Length; i++)
        {
            var candidate = candidates[(start + i) % candidates.Length];
            if (!candidate.IsEjected(now))
            {
                return candidate;
            }
        }
        return first;
    }

    /// <summary>More than half ejected: counted only when a pick met an ejected endpoint, which is rare.</summary>
    private static bool MostlyEjected(EndpointState[] candidates, long now)
    {
        var ejected = 0;
        foreach (var candidate in candidates)
        {
            if (candidate.IsEjected(now))
            {
                ejected++;
            }
        }
        return ejected * 2 > candidates.Length;
    }

    public static string KeyOf(string service, int port)
    {
        var key = new char[KeyRoom(service)];
        return new string(key, 0, WriteKey(service, port, key));
    }

    /// <summary>Room enough for any key of <paramref name="service"/>: the name, a colon and a port's digits.</summary>
    public static int KeyRoom(string service) => service.Length + 12;

    /// <summary>Writes "service:port" (<see cref="KeyOf"/>) into <paramref name="into"/>, at least <see cref="KeyRoom"/> long; returns its length.</summary>
    public static int WriteKey(string service, int port, Span<char> into)
    {
        service.CopyTo(into);
        into[service.Length] = ':';
        port.TryFormat(into[(service.Length + 1)..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return service.Length + 1 + digits;
    }

    /// <summary>A pool of one: a pod addressed directly.</summary>
    public static EndpointPool Direct(string address, int port) => new($"pod {address}", new BackendPort
    {
        Port = port,
        Endpoints = [new BackendEndpoint { Address = address, Port = port, Ready = true, Serving = true }],
    }, endpoint => new EndpointState(endpoint));
}
