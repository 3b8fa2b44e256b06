using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Front;

/// <summary>An exchange that is itself most of its request's features (<see cref="LeanExchange"/>, an HTTP/2 stream).</summary>
internal interface IOwnFeatures
{
    /// <summary>The feature types the exchange implements and answers for.</summary>
    static abstract Type[] OwnFeatureTypes { get; }
}

/// <summary>
/// The feature collection of a lean exchange: the exchange's own features, plus whatever the request
/// path sets (a replaced response body, Items), which is dropped before the next request on the connection.
/// </summary>
internal sealed class LeanFeatures<TExchange>(TExchange exchange) : IFeatureCollection
    where TExchange : class, IOwnFeatures
{
    private Dictionary<Type, object?>? _set;
    private int _revision;

    public bool IsReadOnly => false;

    public int Revision => _revision;

    public object? this[Type key]
    {
        get => _set is not null && _set.TryGetValue(key, out var feature) ? feature : OwnFeature(key);
        set
        {
            (_set ??= [])[key] = value;
            _revision++;
        }
    }

    // The request path asks for a handful of features many times a request: answered without hashing or
    // comparing Types when nothing was set over them.
    public TFeature? Get<TFeature>() =>
        _set is { Count: > 0 } ? (TFeature?)this[typeof(TFeature)] : OwnFeatureType<TExchange, TFeature>.IsOwn ? (TFeature)(object)exchange : default;

    private object? OwnFeature(Type type) => Array.IndexOf(TExchange.OwnFeatureTypes, type) >= 0 ? exchange : null;

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    /// <summary>Back to the exchange's own features only, for the next request on <paramref name="context"/>.</summary>
    /// <remarks>
    /// When the last request set no feature, the collection is as it was, and so is every reference to a
    /// feature the context cached from it (each one to the exchange): they are kept. Fetching them all again,
    /// each through a generic interface call, cost about 0.4% of the gateway's CPU per HTTP/1.1 request.
    /// </remarks>
    public void ResetFor(DefaultHttpContext context)
    {
        if (_set is not { Count: > 0 })
        {
            return; // Every set goes through the indexer, which leaves a key here until the next reset.
        }
        _set.Clear();
        _revision++;
        context.Uninitialize();
        context.Initialize(this);
    }

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (var type in TExchange.OwnFeatureTypes)
        {
            if (_set is null || !_set.ContainsKey(type))
            {
                yield return new KeyValuePair<Type, object>(type, exchange);
            }
        }
        if (_set is not null)
        {
            foreach (var (type, feature) in _set)
            {
                if (feature is not null)
                {
                    yield return new KeyValuePair<Type, object>(type, feature);
                }
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Whether <typeparamref name="TFeature"/> is one of the exchange's own features, worked out once per pair of types.</summary>
internal static class OwnFeatureType<TExchange, TFeature>
    where TExchange : IOwnFeatures
{
    public static readonly bool IsOwn = Array.IndexOf(TExchange.OwnFeatureTypes, typeof(TFeature)) >= 0;
}
