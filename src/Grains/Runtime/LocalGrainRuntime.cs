using System.Collections.Concurrent;

namespace Mesh.Grains.Runtime;

/// <summary>
/// Hosts grains in this process the way Orleans does: one activation per (interface, key), created on
/// first call, and one turn at a time per activation.
/// </summary>
public sealed class LocalGrainRuntime : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, Func<string, object>> _activators = new();
    private readonly ConcurrentDictionary<(Type, string), Lazy<object>> _activations = new();

    /// <summary>Declares the class that activates grains of <typeparamref name="TGrain"/>.</summary>
    public LocalGrainRuntime Register<TGrain>(Func<string, TGrain> activate) where TGrain : class, IGrainWithStringKey
    {
        _activators[typeof(TGrain)] = key => activate(key);
        return this;
    }

    /// <summary>Grains activated so far (an activation lives as long as the runtime).</summary>
    public int ActivationCount => _activations.Count;

    public TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey
    {
        var activation = _activations.GetOrAdd((typeof(TGrain), key), static (id, runtime) => new Lazy<object>(() =>
        {
            if (!runtime._activators.TryGetValue(id.Item1, out var activate))
            {
                throw new InvalidOperationException($"No grain class is registered for {id.Item1.Name}.");
            }
            return TurnProxy<TGrain>.Create((TGrain)activate(id.Item2));
        }), this);
        return (TGrain)activation.Value;
    }
}
