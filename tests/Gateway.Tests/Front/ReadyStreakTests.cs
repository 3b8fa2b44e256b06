using Mesh.Gateway.Front;

namespace Mesh.Gateway.Tests.Front;

/// <summary>When a connection whose bytes are always there steps off its event loop.</summary>
public sealed class ReadyStreakTests
{
    [Fact]
    public void A_step_off_comes_after_the_limit_of_ready_receives_in_a_row_and_a_wait_starts_the_count_again()
    {
        var steps = OnOwnThread(() =>
        {
            var streak = new ReadyStreak();
            var taken = new List<int>();
            for (var i = 1; i <= 3 * ReadyStreak.Limit; i++)
            {
                if (i == ReadyStreak.Limit + 5)
                {
                    streak.StepOffAfter(completedAtOnce: false); // A receive that waited.
                }
                if (streak.StepOffAfter(completedAtOnce: true))
                {
                    taken.Add(i);
                }
            }
            return taken;
        });

        Assert.Equal([ReadyStreak.Limit, 2 * ReadyStreak.Limit + 4], steps); // The wait at Limit + 5 restarts the count there.
    }

    [Fact]
    public async Task On_the_thread_pool_there_is_nothing_to_step_off()
    {
        var stepped = await Task.Run(() =>
        {
            var streak = new ReadyStreak();
            return Enumerable.Range(0, 2 * ReadyStreak.Limit).Any(_ => streak.StepOffAfter(completedAtOnce: true));
        });

        Assert.False(stepped);
    }

    /// <summary>Test threads may be the pool's; an event loop's is not.</summary>
    private static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }
}
