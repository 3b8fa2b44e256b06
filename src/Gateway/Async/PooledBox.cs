using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Mesh.Gateway.Async;

/// <summary>
/// What a suspended call of a pooled async method lives in: its state machine, and the source of the
/// <see cref="ValueTask{TResult}"/> its caller awaits. Goes back to its pool when the caller takes the result.
/// </summary>
internal abstract class PooledBox<TResult> : IValueTaskSource<TResult>, IValueTaskSource
{
    // Continuations run inline, as the default builders' do: the caller resumes on the loop that completed the call.
    private ManualResetValueTaskSourceCore<TResult> _source;

    public short Version => _source.Version;

    public void SetResult(TResult result) => _source.SetResult(result);

    public void SetException(Exception error) => _source.SetException(error);

    public TResult GetResult(short token)
    {
        if (token != _source.Version)
        {
            throw new InvalidOperationException("A pooled ValueTask was awaited twice, or after its result was taken.");
        }
        if (_source.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            // Never returned to the pool while its call still runs in it.
            throw new InvalidOperationException("A pooled ValueTask's result was taken before it completed.");
        }
        try
        {
            return _source.GetResult(token);
        }
        finally
        {
            _source.Reset(); // A new version: a late second await now fails above, not on the next call's result.
            Return();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    /// <summary>Clears the state machine (dropping what it referenced) and keeps the box for another call.</summary>
    protected abstract void Return();
}

/// <summary>The box of one async method: pooled per thread, so the loop that runs most calls of it reuses a few boxes.</summary>
internal sealed class PooledBox<TResult, TStateMachine> : PooledBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>Boxes kept per thread: more than the calls of one method a loop has suspended at once under load.</summary>
    private const int MaxKept = 512;

    private static readonly ContextCallback MoveNextInContext = static box => ((PooledBox<TResult, TStateMachine>)box!).StateMachine.MoveNext();

    [ThreadStatic]
    private static Stack<PooledBox<TResult, TStateMachine>>? t_kept;

    private ExecutionContext? _context;

    private PooledBox() => MoveNextAction = MoveNext;

    public TStateMachine StateMachine = default!;

    /// <summary>Resumes the method: handed to every awaiter, made once per box.</summary>
    public Action MoveNextAction { get; }

    public static PooledBox<TResult, TStateMachine> Rent()
    {
        var kept = t_kept ??= new Stack<PooledBox<TResult, TStateMachine>>();
        return kept.Count > 0 ? kept.Pop() : new PooledBox<TResult, TStateMachine>();
    }

    /// <summary>The caller's context (its AsyncLocals), to resume in, as the default builders do.</summary>
    public void CaptureContext() => _context = ExecutionContext.Capture();

    private void MoveNext()
    {
        if (_context is { } context)
        {
            ExecutionContext.Run(context, MoveNextInContext, this);
        }
        else
        {
            StateMachine.MoveNext();
        }
    }

    protected override void Return()
    {
        StateMachine = default!;
        _context = null;
        // Kept only by a thread that starts calls (a loop), not by one that merely finished one (a thread-pool
        // thread completing an upstream answer), where boxes would pile up unused.
        if (t_kept is { } kept && kept.Count < MaxKept)
        {
            kept.Push(this);
        }
    }
}
