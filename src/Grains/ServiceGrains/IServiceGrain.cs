using Mesh.Grains.Runtime;
using Mesh.Grains.State;

namespace Mesh.Grains.ServiceGrains;

/// <summary>The grain of one Service, keyed "namespace/name": owns its frontend and backend facets.</summary>
public interface IServiceGrain : IGrainWithStringKey
{
    Task<ServiceSnapshot> GetAsync();

    /// <summary>Replaces both facets (null: the Service is gone). Versions move only when content changes.</summary>
    Task<ServiceSnapshot> UpdateAsync(FrontendFacet? frontend, BackendFacet? backend);
}

/// <summary>A facet with the version taken from its content.</summary>
public sealed record Versioned<T>(string Version, T Value);

/// <summary>What a Service grain holds at one moment.</summary>
public sealed record ServiceSnapshot
{
    public string Key { get; init; } = "";
    public Versioned<FrontendFacet>? Frontend { get; init; }
    public Versioned<BackendFacet>? Backend { get; init; }

    public bool Exists => Frontend is not null || Backend is not null;
}

/// <summary>Told of every change a Service grain makes, like an Orleans grain observer.</summary>
public interface IServiceChangeObserver
{
    void OnServiceChanged(ServiceSnapshot snapshot);
}
