using System.Reflection;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;

namespace Mesh.Gateway.Tests.Async;

public class PooledValueTaskBuilderTests
{
    private static readonly FieldInfo SourceField = typeof(ValueTask<int>).GetField("_obj", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static readonly FieldInfo UntypedSourceField = typeof(ValueTask).GetField("_obj", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static readonly AsyncLocal<string?> Ambient = new();

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    private static async ValueTask<int> AddAsync(Task<int> wait, int plus)
    {
        var value = await wait.ConfigureAwait(false);
        return value + plus;
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    private static async ValueTask<int> TwiceAsync(Task<int> first, Task<int> second) =>
        await first.ConfigureAwait(false) + await second.ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    private static async ValueTask<int> FailAsync(Task<int> wait)
    {
        await wait.ConfigureAwait(false);
        throw new InvalidDataException("after the wait");
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    private static async ValueTask<int> FailAtOnceAsync()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw new InvalidDataException("at once");
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder<>))]
    private static async ValueTask<string> AmbientAfterAsync(Task<int> wait)
    {
        await wait.ConfigureAwait(false);
        return Ambient.Value ?? "none";
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskBuilder))]
    private static async ValueTask RecordAsync(Task<int> wait, List<int> record)
    {
        record.Add(await wait.ConfigureAwait(false));
    }

    [Fact]
    public void A_call_without_result_is_pooled_too()
    {
        using var inline = new WithoutSynchronizationContext();
        var record = new List<int>();
        var wait = new TaskCompletionSource<int>();
        var first = RecordAsync(wait.Task, record);
        var box = UntypedSourceField.GetValue(first);
        Assert.NotNull(box);

        wait.SetResult(7);
        Assert.True(first.IsCompletedSuccessfully);
        TakenUntyped(first);

        var again = new TaskCompletionSource<int>();
        var second = RecordAsync(again.Task, record);
        Assert.Same(box, UntypedSourceField.GetValue(second));
        again.SetException(new InvalidDataException("failed"));
        Assert.Throws<InvalidDataException>(() => TakenUntyped(second));
        Assert.Equal([7], record);

        var done = RecordAsync(Task.FromResult(9), record);
        Assert.True(done.IsCompletedSuccessfully);
        Assert.Null(UntypedSourceField.GetValue(done)); // Never waited: no box.
    }

    [Fact]
    public void A_state_machine_that_is_a_struct_as_in_release_builds_resumes_from_its_copy_in_the_box()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var call = AddMachine.Call(wait.Task, 5);
        var box = SourceField.GetValue(call);
        Assert.NotNull(box);

        wait.SetResult(10);
        Assert.Equal(15, Taken(call));

        var again = new TaskCompletionSource<int>();
        var next = AddMachine.Call(again.Task, 1);
        Assert.Same(box, SourceField.GetValue(next));
        again.SetResult(1);
        Assert.Equal(2, Taken(next));
        Assert.Equal(3, Taken(AddMachine.Call(Task.FromResult(2), 1)));
    }

    [Fact]
    public void A_result_asked_for_before_the_call_completes_is_refused_and_the_call_still_ends()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var call = AddAsync(wait.Task, 1);
        var box = (System.Threading.Tasks.Sources.IValueTaskSource<int>)SourceField.GetValue(call)!;
        var token = (short)typeof(ValueTask<int>).GetField("_token", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(call)!;

        Assert.Throws<InvalidOperationException>(() => box.GetResult(token));

        wait.SetResult(1);
        Assert.Equal(2, Taken(call));
    }

    [Fact]
    public void A_call_that_never_waits_is_its_result_without_a_box()
    {
        using var inline = new WithoutSynchronizationContext();
        var call = AddAsync(Task.FromResult(40), 2);

        Assert.True(call.IsCompletedSuccessfully);
        Assert.Null(SourceField.GetValue(call));
        Assert.Equal(42, Taken(call));
    }

    [Fact]
    public void A_call_that_waits_resumes_with_its_result_and_its_box_serves_the_next_call()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var first = AddAsync(wait.Task, 1);
        var box = SourceField.GetValue(first);
        Assert.NotNull(box);
        Assert.False(first.IsCompleted);

        wait.SetResult(10);
        Assert.Equal(11, Taken(first));

        var again = new TaskCompletionSource<int>();
        var second = AddAsync(again.Task, 2);
        Assert.Same(box, SourceField.GetValue(second)); // Taken back from the pool on this thread.
        again.SetResult(20);
        Assert.Equal(22, Taken(second));
    }

    [Fact]
    public void A_box_finished_on_a_thread_that_never_starts_calls_is_not_kept_there()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var call = AddAsync(wait.Task, 1);
        var box = SourceField.GetValue(call);
        wait.SetResult(1);
        object? rentedThere = null;

        var other = new Thread(() =>
        {
            Assert.Equal(2, Taken(call)); // The box goes back on this thread, which has started no call.
            var again = new TaskCompletionSource<int>();
            var next = AddAsync(again.Task, 1);
            rentedThere = SourceField.GetValue(next);
            again.SetResult(1);
            Taken(next);
        });
        other.Start();
        other.Join();

        Assert.NotNull(rentedThere);
        Assert.NotSame(box, rentedThere);
    }

    [Fact]
    public void A_call_that_waits_twice_keeps_one_box()
    {
        using var inline = new WithoutSynchronizationContext();
        var first = new TaskCompletionSource<int>();
        var second = new TaskCompletionSource<int>();
        var call = TwiceAsync(first.Task, second.Task);
        var box = SourceField.GetValue(call);

        first.SetResult(1);
        Assert.False(call.IsCompleted);
        second.SetResult(2);

        Assert.Equal(3, Taken(call));
        Assert.NotNull(box);
    }

    [Fact]
    public void Many_calls_waiting_at_once_each_end_with_their_own_result()
    {
        using var inline = new WithoutSynchronizationContext();
        var waits = Enumerable.Range(0, 2000).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var calls = waits.Select((wait, i) => AddAsync(wait.Task, i)).ToArray();

        for (var i = waits.Length - 1; i >= 0; i -= 2)
        {
            waits[i].SetResult(i * 1000); // Half of them, last first.
        }
        for (var i = 0; i < waits.Length; i += 2)
        {
            waits[i].SetResult(i * 1000);
        }

        for (var i = 0; i < calls.Length; i++)
        {
            Assert.Equal((i * 1000) + i, Taken(calls[i]));
        }
    }

    [Fact]
    public void An_exception_after_a_wait_reaches_the_awaiter_and_the_box_is_reused()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var failing = FailAsync(wait.Task);
        var box = SourceField.GetValue(failing);
        wait.SetResult(0);

        var error = Assert.Throws<InvalidDataException>(() => Taken(failing));
        Assert.Equal("after the wait", error.Message);

        var next = new TaskCompletionSource<int>();
        var call = FailAsync(next.Task);
        Assert.Same(box, SourceField.GetValue(call));
        next.SetResult(0);
        Assert.Throws<InvalidDataException>(() => Taken(call));
    }

    [Fact]
    public void An_exception_before_any_wait_reaches_the_awaiter()
    {
        using var inline = new WithoutSynchronizationContext();
        var call = FailAtOnceAsync();

        Assert.Equal("at once", Assert.Throws<InvalidDataException>(() => Taken(call)).Message);
    }

    [Fact]
    public void Taking_a_result_twice_is_refused()
    {
        using var inline = new WithoutSynchronizationContext();
        var wait = new TaskCompletionSource<int>();
        var call = AddAsync(wait.Task, 1);
        wait.SetResult(1);
        Assert.Equal(2, Taken(call));

        Assert.Throws<InvalidOperationException>(() => Taken(call));
    }

    [Fact]
    public async Task A_resumed_call_sees_the_async_locals_of_its_caller_not_of_the_thread_that_completed_its_wait()
    {
        var wait = new TaskCompletionSource<int>();
        Ambient.Value = "caller";
        var call = AmbientAfterAsync(wait.Task);
        Ambient.Value = null;

        await Task.Run(() =>
        {
            Ambient.Value = "completer";
            wait.SetResult(0);
        });

        Assert.Equal("caller", await call);
    }

    /// <summary>The result of a call the test has already completed, on this thread.</summary>
    private static T Taken<T>(ValueTask<T> call)
    {
        Assert.True(call.IsCompleted);
#pragma warning disable CA2012 // Completed, as asserted: taking the result does not block.
        return call.GetAwaiter().GetResult();
#pragma warning restore CA2012
    }

    /// <summary>What the compiler makes of an async method in a release build: a struct, copied into its box when it first waits.</summary>
    private struct AddMachine : IAsyncStateMachine
    {
        private PooledValueTaskBuilder<int> _builder;
        private int _state;
        private Task<int> _wait;
        private int _plus;
        private ConfiguredTaskAwaitable<int>.ConfiguredTaskAwaiter _awaiter;

        public static ValueTask<int> Call(Task<int> wait, int plus)
        {
            var machine = new AddMachine { _builder = PooledValueTaskBuilder<int>.Create(), _state = -1, _wait = wait, _plus = plus };
            machine._builder.Start(ref machine);
            return machine._builder.Task;
        }

        public void MoveNext()
        {
            int result;
            try
            {
                ConfiguredTaskAwaitable<int>.ConfiguredTaskAwaiter awaiter;
                if (_state != 0)
                {
                    awaiter = _wait.ConfigureAwait(false).GetAwaiter();
                    if (!awaiter.IsCompleted)
                    {
                        _state = 0;
                        _awaiter = awaiter;
                        _builder.AwaitUnsafeOnCompleted(ref awaiter, ref this);
                        return;
                    }
                }
                else
                {
                    awaiter = _awaiter;
                    _awaiter = default;
                    _state = -1;
                }
                result = awaiter.GetResult() + _plus;
            }
            catch (Exception e)
            {
                _state = -2;
                _builder.SetException(e);
                return;
            }
            _state = -2;
            _builder.SetResult(result);
        }

        public readonly void SetStateMachine(IAsyncStateMachine stateMachine) => _builder.SetStateMachine(stateMachine);
    }

    private static void TakenUntyped(ValueTask call)
    {
        Assert.True(call.IsCompleted);
#pragma warning disable CA2012 // Completed, as asserted: taking the result does not block.
        call.GetAwaiter().GetResult();
#pragma warning restore CA2012
    }

    /// <summary>
    /// Runs the test as the event loops run: without xUnit's synchronization context, so a completed wait resumes its
    /// call inline, on the completing thread, and the box goes back to that thread's pool.
    /// </summary>
    private sealed class WithoutSynchronizationContext : IDisposable
    {
        private readonly SynchronizationContext? _previous = SynchronizationContext.Current;

        public WithoutSynchronizationContext() => SynchronizationContext.SetSynchronizationContext(null);

        public void Dispose() => SynchronizationContext.SetSynchronizationContext(_previous);
    }
}
