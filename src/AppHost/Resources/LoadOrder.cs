using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.Resources;

/// <summary>The order loaded objects are created in: what others live in or point at goes first.</summary>
internal static class LoadOrder
{
    public static int Rank(ResourceKind kind) =>
        kind == ResourceCatalog.Namespace ? 0
        : kind == ResourceCatalog.Service || kind == ResourceCatalog.Deployment ? 1
        : 2;
}
