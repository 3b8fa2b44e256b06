using Mesh.Hosting;

namespace Mesh.Silo.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_are_jittered_below_a_ceiling_that_doubles_up_to_the_maximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800));
        var ceilings = new[] { 100, 200, 400, 800, 800, 800 };
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.NextDelay();
            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(ceiling));
        }

        // At the ceiling, many draws spread out: no two clients retry in step.
        var draws = Enumerable.Range(0, 200).Select(_ => backoff.NextDelay()).ToList();
        Assert.All(draws, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(800)));
        Assert.True(draws.Distinct().Count() > 100, "delays are jittered");
        Assert.Contains(draws, d => d < TimeSpan.FromMilliseconds(400));
        Assert.Contains(draws, d => d > TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_ceiling()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10));
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay();
        }
        backoff.Reset();
        Assert.All(Enumerable.Range(0, 50), _ =>
        {
            Assert.InRange(backoff.NextDelay(), TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
            backoff.Reset();
        });
    }

    [Fact]
    public void A_retry_after_is_a_floor()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(backoff.NextDelay(TimeSpan.FromSeconds(2)) >= TimeSpan.FromSeconds(2)));
    }
}
