using System.Collections.Concurrent;
using System.Reflection;

namespace Mesh.Grains.Runtime;

/// <summary>
/// Stands in front of one grain activation and lets one call run at a time, in arrival order, as an
/// Orleans activation does (non-reentrant). Grain code therefore needs no locks of its own.
/// </summary>
#pragma warning disable CA1852, CA1001 // DispatchProxy subclasses it at run time; the semaphore never allocates a wait handle.
public class TurnProxy<TGrain> : DispatchProxy where TGrain : class
#pragma warning restore CA1852, CA1001
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<TurnProxy<TGrain>, Func<Task>, object>> Schedulers = new();
    private static readonly MethodInfo RunTypedMethod =
        typeof(TurnProxy<TGrain>).GetMethod(nameof(RunTyped), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private TGrain _target = null!;

#pragma warning disable CA1000 // The factory belongs with the proxy type it creates.
    public static TGrain Create(TGrain target)
    {
        var proxy = Create<TGrain, TurnProxy<TGrain>>();
        ((TurnProxy<TGrain>)(object)proxy)._target = target;
        return proxy;
    }
#pragma warning restore CA1000

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var schedule = Schedulers.GetOrAdd(targetMethod, CreateScheduler);
        return schedule(this, () => InvokeTarget(targetMethod, args));
    }

    private Task InvokeTarget(MethodInfo method, object?[]? args)
    {
        try
        {
            return (Task)method.Invoke(_target, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // Thrown before the grain method's first await: rethrown inside the turn, it faults the caller's task.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static Func<TurnProxy<TGrain>, Func<Task>, object> CreateScheduler(MethodInfo method)
    {
        if (method.ReturnType == typeof(Task))
        {
            return static (proxy, call) => proxy.Run(call);
        }
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var typed = RunTypedMethod.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]);
            return (proxy, call) => typed.Invoke(proxy, [call])!;
        }
        throw new NotSupportedException($"Grain method {method.Name} must return Task or Task<T>.");
    }

    private async Task Run(Func<Task> call)
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            await call().ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<T> RunTyped<T>(Func<Task> call)
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            var task = (Task<T>)call();
            return await task.ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }
}
