namespace Mesh.Grains.Runtime;

/// <summary>Marks a grain interface: keyed by a string, every method async (Task or Task&lt;T&gt;).</summary>
#pragma warning disable CA1040 // A marker, as in Orleans.
public interface IGrainWithStringKey;
#pragma warning restore CA1040

/// <summary>
/// How callers reach grains: by interface and key, never by class. The local runtime implements it
/// in-process; an Orleans host can implement it with the same interfaces.
/// </summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey;
}
