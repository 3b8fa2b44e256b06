using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Async;

/// <summary>Builds <c>async ValueTask</c> methods as <see cref="PooledValueTaskBuilder{TResult}"/> does, with no result.</summary>
[StructLayout(LayoutKind.Auto)]
public struct PooledValueTaskBuilder
{
    private PooledValueTaskBuilder<bool> _inner;

    public static PooledValueTaskBuilder Create() => default;

    public readonly ValueTask Task => _inner.UntypedTask;

    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => _inner.Start(ref stateMachine);

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine) => _inner.SetStateMachine(stateMachine);

    public void SetResult() => _inner.SetResult(true);

    public void SetException(Exception exception) => _inner.SetException(exception);

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}
