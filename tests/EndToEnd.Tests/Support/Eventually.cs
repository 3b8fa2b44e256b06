namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// The mesh is eventually consistent: a check is retried until it holds or its deadline passes, as the
/// upstream conformance suite does. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> expectation, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                last = await probe();
                if (expectation(last))
                {
                    return last;
                }
                lastError = null;
            }
            catch (HttpRequestException e)
            {
                lastError = e;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Not true within {(deadline ?? DefaultDeadline).TotalSeconds}s: {what}. Last seen: {(lastError?.Message ?? last?.ToString())}");
    }
}
