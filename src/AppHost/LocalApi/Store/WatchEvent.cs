using Mesh.AppHost.LocalApi.Catalog;

namespace Mesh.AppHost.LocalApi.Store;

internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

/// <summary>
/// One change, as recorded in the store's history. <see cref="Previous"/> is the version a MODIFIED
/// replaced (watches with selectors need it); a DELETED event's object carries the deletion's revision;
/// a BOOKMARK has no object.
/// </summary>
internal sealed record WatchEvent(WatchEventType Type, ResourceKind Kind, StoredObject? Object, StoredObject? Previous, long Revision);
