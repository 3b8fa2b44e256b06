using Mesh.Grains.State;

namespace Mesh.Grains.ServiceGrains;

/// <summary>Holds one Service's facets and versions; tells the observer only about real changes.</summary>
public sealed class ServiceGrain(string key, IServiceChangeObserver observer) : IServiceGrain
{
    private ServiceSnapshot _current = new() { Key = key };

    public Task<ServiceSnapshot> GetAsync() => Task.FromResult(_current);

    public Task<ServiceSnapshot> UpdateAsync(FrontendFacet? frontend, BackendFacet? backend)
    {
        var next = new ServiceSnapshot
        {
            Key = key,
            Frontend = Reversion(_current.Frontend, frontend),
            Backend = Reversion(_current.Backend, backend),
        };
        if (!ReferenceEquals(next.Frontend, _current.Frontend) || !ReferenceEquals(next.Backend, _current.Backend))
        {
            _current = next;
            observer.OnServiceChanged(next);
        }
        return Task.FromResult(_current);
    }

    /// <summary>Keeps the held facet (same instance) when the new content has the same version.</summary>
    private static Versioned<T>? Reversion<T>(Versioned<T>? held, T? value) where T : class
    {
        if (value is null)
        {
            return null;
        }
        var version = ContentVersion.Of(value);
        return held?.Version == version ? held : new Versioned<T>(version, value);
    }
}
