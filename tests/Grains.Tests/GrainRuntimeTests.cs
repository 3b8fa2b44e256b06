using Mesh.Grains.Runtime;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Grains.Tests;

public class GrainRuntimeTests
{
    private sealed class RecordingObserver : IServiceChangeObserver
    {
        public List<ServiceSnapshot> Changes { get; } = [];

        public void OnServiceChanged(ServiceSnapshot snapshot) => Changes.Add(snapshot);
    }

    public interface ISlowGrain : IGrainWithStringKey
    {
        Task<int> EnterAsync();
    }

    private sealed class SlowGrain : ISlowGrain
    {
        private int _inside;
        public int MaxInside { get; private set; }

        public async Task<int> EnterAsync()
        {
            MaxInside = Math.Max(MaxInside, Interlocked.Increment(ref _inside));
            await Task.Yield();
            await Task.Delay(1);
            Interlocked.Decrement(ref _inside);
            return MaxInside;
        }
    }

    [Fact]
    public async Task One_activation_per_key_and_one_turn_at_a_time()
    {
        var activations = 0;
        var grain = new SlowGrain();
        var runtime = new LocalGrainRuntime().Register<ISlowGrain>(_ =>
        {
            Interlocked.Increment(ref activations);
            return grain;
        });

        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(() => runtime.GetGrain<ISlowGrain>("k").EnterAsync()));
        await Task.WhenAll(calls);

        Assert.Equal(1, activations);
        Assert.Equal(1, grain.MaxInside);
        Assert.Same(runtime.GetGrain<ISlowGrain>("k"), runtime.GetGrain<ISlowGrain>("k"));
        Assert.NotSame(runtime.GetGrain<ISlowGrain>("k"), runtime.GetGrain<ISlowGrain>("other"));
    }

    [Fact]
    public async Task A_service_grain_moves_a_version_only_when_content_changes()
    {
        var observer = new RecordingObserver();
        var runtime = new LocalGrainRuntime().Register<IServiceGrain>(key => new ServiceGrain(key, observer));
        var grain = runtime.GetGrain<IServiceGrain>("ns/svc");
        var frontend = new FrontendFacet { Namespace = "ns", Name = "svc", ClusterIP = "127.2.0.1" };
        var backend = new BackendFacet { Namespace = "ns", Name = "svc" };

        var first = await grain.UpdateAsync(frontend, backend);
        var same = await grain.UpdateAsync(frontend with { }, backend with { });
        var moved = await grain.UpdateAsync(frontend with { ClusterIP = "127.2.0.2" }, backend);
        var gone = await grain.UpdateAsync(null, null);

        Assert.Equal(first.Frontend!.Version, same.Frontend!.Version);
        Assert.NotEqual(first.Frontend.Version, moved.Frontend!.Version);
        Assert.Equal(first.Backend!.Version, moved.Backend!.Version);
        Assert.False(gone.Exists);
        Assert.Equal(3, observer.Changes.Count);
    }

    [Fact]
    public async Task Grain_exceptions_reach_the_caller_and_the_next_turn_still_runs()
    {
        var runtime = new LocalGrainRuntime().Register<IServiceGrain>(key => new ThrowingGrain());
        var grain = runtime.GetGrain<IServiceGrain>("a/b");

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.UpdateAsync(null, null));
        Assert.Equal("a/b", (await grain.GetAsync()).Key);
    }

    private sealed class ThrowingGrain : IServiceGrain
    {
        public Task<ServiceSnapshot> GetAsync() => Task.FromResult(new ServiceSnapshot { Key = "a/b" });

        public Task<ServiceSnapshot> UpdateAsync(FrontendFacet? frontend, BackendFacet? backend) =>
            throw new InvalidOperationException("boom");
    }
}
