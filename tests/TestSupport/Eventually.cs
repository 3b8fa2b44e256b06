namespace Mesh.TestSupport;

/// <summary>
/// The mesh is eventually consistent, so every expectation follows the upstream conformance suite's
/// discipline: probe until the expectation holds (on <c>required</c> consecutive probes), within a
/// deadline. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    /// <summary>Upstream's default MaxTimeToConsistency is 30 s.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Upstream's default RequiredConsecutiveSuccesses.</summary>
    public const int DefaultConsecutive = 3;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes until <paramref name="mismatches"/> finds nothing wrong <paramref name="required"/> times in a row.</summary>
    /// <exception cref="TimeoutException">The deadline passed; the message names the last mismatch.</exception>
    public static async Task<T> ConsistentlyAsync<T>(Func<Task<T>> probe, Func<T, IReadOnlyList<string>> mismatches, string what,
        int required = DefaultConsecutive, TimeSpan? deadline = null)
    {
        var limit = deadline ?? DefaultDeadline;
        var until = DateTime.UtcNow + limit;
        var streak = 0;
        var attempts = 0;
        string lastProblem = "never probed";
        while (true)
        {
            attempts++;
            try
            {
                var value = await probe();
                var wrong = mismatches(value);
                if (wrong.Count == 0)
                {
                    if (++streak >= required)
                    {
                        return value;
                    }
                    continue;
                }
                streak = 0;
                lastProblem = $"{string.Join("; ", wrong)} (got {value})";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
            {
                streak = 0;
                lastProblem = $"{e.GetType().Name}: {e.Message}";
            }
            if (DateTime.UtcNow >= until)
            {
                throw new TimeoutException($"{what}: not true {required} times in a row within {limit.TotalSeconds:0}s ({attempts} probes). Last: {lastProblem}");
            }
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Probes until <paramref name="expectation"/> holds (once) and returns that value.</summary>
    public static Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> expectation, string what, TimeSpan? deadline = null) =>
        ConsistentlyAsync(probe, value => expectation(value) ? [] : ["not yet"], what, required: 1, deadline);

    /// <summary>Probes until it returns something (not null) and returns that.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? deadline = null)
        where T : class =>
        (await HoldsAsync(probe, value => value is not null, what, deadline))!;

    /// <summary>Waits until a condition is true (once), within a deadline.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null) =>
        HoldsAsync(condition, ok => ok, what, deadline);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);
}
