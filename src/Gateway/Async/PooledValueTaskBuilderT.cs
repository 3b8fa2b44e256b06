using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Async;

/// <summary>
/// Builds <c>async ValueTask&lt;T&gt;</c> methods whose suspended calls live in pooled boxes
/// (<c>[AsyncMethodBuilder(typeof(PooledValueTaskBuilder&lt;&gt;))]</c>). The default builder allocates a box
/// for every call that suspends; the runtime's pooling builder keeps about one per thread and core, which
/// misses when a loop has hundreds of calls of one method suspended at once (measured in docs/performance.md).
/// The rule of every pooled ValueTask holds: await it once.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public struct PooledValueTaskBuilder<TResult>
{
    private PooledBox<TResult>? _box;
    private TResult _result;

#pragma warning disable CA1000 // The compiler's builder pattern asks for a static Create.
    public static PooledValueTaskBuilder<TResult> Create() => default;
#pragma warning restore CA1000

    public readonly ValueTask<TResult> Task => _box is { } box ? new ValueTask<TResult>(box, box.Version) : new ValueTask<TResult>(_result);

    /// <summary>The same call as a <see cref="ValueTask"/>, for <see cref="PooledValueTaskBuilder"/>.</summary>
    internal readonly ValueTask UntypedTask => _box is { } box ? new ValueTask(box, box.Version) : default;

    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        default(AsyncValueTaskMethodBuilder<TResult>).Start(ref stateMachine); // Runs it, then restores the thread's contexts.

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // Only for state machines boxed by hand; the compiler's never are, and the box here holds them.
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box)
        {
            box.SetResult(result);
        }
        else
        {
            _result = result; // Done without suspending: no box at all.
        }
    }

    public void SetException(Exception exception)
    {
        if (_box is null)
        {
            // Failed without suspending: a box still carries the exception to the awaiter.
            _box = PooledBox<TResult, NoStateMachine>.Rent();
        }
        _box.SetException(exception);
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    private PooledBox<TResult, TStateMachine> BoxFor<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_box is not PooledBox<TResult, TStateMachine> box)
        {
            // The first suspension: the box is set on this builder before the state machine (holding it) is
            // copied in, so the copy that resumes knows its box, and so does the caller reading Task.
            box = PooledBox<TResult, TStateMachine>.Rent();
            _box = box;
            box.StateMachine = stateMachine;
        }
        box.CaptureContext();
        return box;
    }

    /// <summary>Stands in for the state machine of a call that failed before it ever suspended.</summary>
    private struct NoStateMachine : IAsyncStateMachine
    {
        public readonly void MoveNext()
        {
        }

        public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
        {
        }
    }
}
