using Mesh.Silo.Status;

namespace Mesh.Silo.Tests;

/// <summary>The status writer's rate limit, on a clock the test moves by hand (no real time involved).</summary>
public class TokenBucketTests
{
    [Fact]
    public void The_burst_is_taken_at_once_then_the_next_token_is_one_interval_away()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(perSecond: 20, burst: 50, clock);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
        }

        Assert.Equal(TimeSpan.FromMilliseconds(50), bucket.TryTake());
        Assert.Equal(TimeSpan.FromMilliseconds(50), bucket.TryTake()); // Asking again takes nothing.
    }

    [Fact]
    public void Tokens_come_back_at_the_rate()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(perSecond: 20, burst: 50, clock);
        for (var i = 0; i < 50; i++)
        {
            bucket.TryTake();
        }

        clock.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(20), bucket.TryTake());
        clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(TimeSpan.Zero, bucket.TryTake());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, TakeAll(bucket));
    }

    [Fact]
    public void An_idle_bucket_refills_to_the_burst_and_no_further()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(perSecond: 20, burst: 50, clock);
        TakeAll(bucket);

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(50, TakeAll(bucket));
    }

    [Fact]
    public async Task Taking_waits_on_the_buckets_clock()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(perSecond: 10, burst: 1, clock);
        await bucket.TakeAsync(CancellationToken.None);

        var second = bucket.TakeAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int TakeAll(TokenBucket bucket)
    {
        var taken = 0;
        while (bucket.TryTake() == TimeSpan.Zero)
        {
            taken++;
        }
        return taken;
    }

    /// <summary>A clock that moves only when told; timers fire when it passes their due time.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<ManualTimer> _timers = [];
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            lock (_gate)
            {
                return _ticks;
            }
        }

        public void Advance(TimeSpan by)
        {
            List<ManualTimer> due;
            lock (_gate)
            {
                _ticks += by.Ticks;
                due = _timers.Where(t => t.DueAt <= _ticks).ToList();
                _timers.RemoveAll(due.Contains);
            }
            foreach (var timer in due)
            {
                timer.Fire();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
        {
            public long DueAt { get; private set; }

            public void Fire() => callback(state);

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                    if (dueTime != Timeout.InfiniteTimeSpan)
                    {
                        DueAt = clock._ticks + dueTime.Ticks;
                        clock._timers.Add(this);
                    }
                }
                return true;
            }

            public void Dispose()
            {
                lock (clock._gate)
                {
                    clock._timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
