using System.Net;
using Mesh.Gateway.Balancing;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tests;

public class EndpointPoolTests
{
    private static BackendEndpoint Endpoint(int host, bool ready = true, bool serving = true, bool terminating = false) => new()
    {
        Address = $"127.1.0.{host}",
        Port = 8080,
        Ready = ready,
        Serving = serving,
        Terminating = terminating,
    };

    private static (EndpointPool Pool, Dictionary<IPEndPoint, EndpointState> States) Pool(params BackendEndpoint[] endpoints)
    {
        var states = new Dictionary<IPEndPoint, EndpointState>();
        var pool = new EndpointPool("ns/svc", new BackendPort { Port = 80, Endpoints = [.. endpoints] }, address =>
        {
            if (!states.TryGetValue(address, out var state))
            {
                states[address] = state = new EndpointState(address);
            }
            return state;
        });
        return (pool, states);
    }

    [Fact]
    public void Prefers_the_endpoint_with_fewer_requests_in_flight()
    {
        var (pool, states) = Pool(Endpoint(1), Endpoint(2));
        var busy = states.Values.First(s => s.Address.Address.ToString() == "127.1.0.1");
        for (var i = 0; i < 10; i++)
        {
            busy.Started();
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("127.1.0.2", pool.Pick()!.Address.Address.ToString());
        }
    }

    [Fact]
    public void Spreads_load_over_idle_endpoints()
    {
        var (pool, _) = Pool(Endpoint(1), Endpoint(2), Endpoint(3));
        var seen = Enumerable.Range(0, 300).Select(_ => pool.Pick()!.Address.Address.ToString()).ToHashSet();
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Ejects_an_endpoint_after_consecutive_failures_and_brings_it_back_later()
    {
        var (pool, states) = Pool(Endpoint(1), Endpoint(2));
        var failing = states.Values.First(s => s.Address.Address.ToString() == "127.1.0.1");
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        for (var i = 0; i < EndpointState.FailuresToEject; i++)
        {
            failing.Started();
            failing.Finished(failed: true, now);
        }

        Assert.True(failing.IsEjected(now));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal("127.1.0.2", pool.Pick()!.Address.Address.ToString()));
        Assert.False(failing.IsEjected(now + TimeSpan.FromMinutes(10).Ticks));
    }

    [Fact]
    public void A_success_clears_the_failure_count()
    {
        var state = new EndpointState(new IPEndPoint(IPAddress.Loopback, 1));
        for (var i = 0; i < 20; i++)
        {
            state.Started();
            state.Finished(failed: i % 2 == 0, 0);
        }
        Assert.False(state.IsEjected(0));
    }

    [Fact]
    public void When_every_endpoint_is_ejected_ejection_is_ignored()
    {
        var (pool, states) = Pool(Endpoint(1), Endpoint(2));
        foreach (var state in states.Values)
        {
            for (var i = 0; i < EndpointState.FailuresToEject; i++)
            {
                state.Started();
                state.Finished(failed: true, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
            }
        }
        Assert.NotNull(pool.Pick());
    }

    [Fact]
    public void With_more_than_half_ejected_ejection_is_ignored_so_the_survivors_are_not_swamped()
    {
        var (pool, states) = Pool(Endpoint(1), Endpoint(2), Endpoint(3), Endpoint(4), Endpoint(5));
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        void Eject(int host)
        {
            var state = states.Values.Single(s => s.Address.Address.ToString() == $"127.1.0.{host}");
            for (var i = 0; i < EndpointState.FailuresToEject; i++)
            {
                state.Started();
                state.Finished(failed: true, now);
            }
        }

        Eject(1);
        Eject(2);
        var twoOut = Enumerable.Range(0, 600).Select(_ => pool.Pick()!.Address.Address.ToString()).ToList();
        Assert.Equal(["127.1.0.3", "127.1.0.4", "127.1.0.5"], twoOut.Distinct().Order());
        Assert.All(twoOut.GroupBy(a => a), g => Assert.InRange(g.Count(), 120, 280)); // An even share each, none favoured.

        Eject(3);
        var threeOut = Enumerable.Range(0, 600).Select(_ => pool.Pick()!.Address.Address.ToString()).ToHashSet();
        Assert.Equal(5, threeOut.Count);
    }

    [Fact]
    public void Ejections_in_a_row_last_longer_and_good_behaviour_starts_them_over()
    {
        var state = new EndpointState(new IPEndPoint(IPAddress.Loopback, 1));
        long EjectAt(long at)
        {
            for (var i = 0; i < EndpointState.FailuresToEject; i++)
            {
                state.Started();
                state.Finished(failed: true, at);
            }
            return state.EjectedUntilTicks - at;
        }
        var second = TimeSpan.TicksPerSecond;

        Assert.Equal(10 * second, EjectAt(1_000 * second));
        Assert.Equal(20 * second, EjectAt(1_011 * second)); // Failing again just after it came back.
        Assert.Equal(30 * second, EjectAt(1_032 * second));
        Assert.Equal(10 * second, EjectAt(2_000 * second)); // Fifteen quiet minutes later: from the start.
    }

    [Fact]
    public void Terminating_endpoints_serve_only_when_nothing_is_ready()
    {
        var (draining, _) = Pool(Endpoint(1, ready: false, terminating: true), Endpoint(2, ready: false, serving: false, terminating: true));
        Assert.Equal("127.1.0.1", draining.Pick()!.Address.Address.ToString());

        var (mixed, _) = Pool(Endpoint(1, ready: false, terminating: true), Endpoint(3));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("127.1.0.3", mixed.Pick()!.Address.Address.ToString()));

        var (none, _) = Pool(Endpoint(1, ready: false, serving: false));
        Assert.Null(none.Pick());
    }
}
