namespace Mesh.Gateway.Tables;

/// <summary>The tables in force: read lock-free per request, replaced whole when the silo sends a change.</summary>
public sealed class TableHolder
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RouteTables _current = RouteTables.Empty;

    public RouteTables Current => Volatile.Read(ref _current);

    /// <summary>Completes when the first complete set of tables is in force.</summary>
    public Task Ready => _ready.Task;

    public void Replace(RouteTables tables, bool complete)
    {
        Volatile.Write(ref _current, tables);
        if (complete)
        {
            _ready.TrySetResult();
        }
    }
}
