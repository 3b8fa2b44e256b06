using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Store;

/// <summary>
/// Defaulting and allocation that happen inside a write, as the API server's admission and REST
/// strategies do. Called under the store lock: must be quick and must not call back into the store.
/// </summary>
internal interface IAdmissionPlugin
{
    /// <summary>Mutates or rejects (by throwing <see cref="LocalApiException"/>) an object being created
    /// (<paramref name="old"/> is null) or replaced.</summary>
    void Admit(ResourceKind kind, JsonObject obj, JsonObject? old);

    /// <summary>Frees whatever <see cref="Admit"/> allocated for an object that is now deleted.</summary>
    void Release(ResourceKind kind, JsonObject deleted);
}
