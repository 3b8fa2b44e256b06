using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Objects;

namespace Mesh.AppHost.LocalApi.Store;

/// <summary>
/// The objects of the local API and their change history, behind one lock. Every write takes the next
/// value of one global revision counter as its resourceVersion, records an event in a bounded history
/// (for watches that resume from a resourceVersion) and hands it to the live watches without waiting.
/// </summary>
internal sealed class ObjectStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, Dictionary<(string Namespace, string Name), StoredObject>> _objects = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<StoreWatch> _watches = [];
    private readonly IReadOnlyList<IAdmissionPlugin> _admission;
    private readonly int _historyLimit;
    private readonly int _watchBacklog;
    private long _revision;
    private long _trimmedThrough;
    private bool _disposed;

    public ObjectStore(int historyLimit, IReadOnlyList<IAdmissionPlugin> admission, int watchBacklog = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(watchBacklog, 1);
        _historyLimit = historyLimit;
        _admission = admission;
        _watchBacklog = watchBacklog;
        foreach (var kind in ResourceCatalog.All)
        {
            _objects[kind] = [];
        }
    }

    /// <summary>Raised under the store lock after every write, with the kind written. Handlers must only
    /// signal (e.g. write to a channel); they must not block or call back into the store.</summary>
    public event Action<ResourceKind>? Changed;

    public StoredObject? Get(ResourceKind kind, string ns, string name)
    {
        lock (_gate)
        {
            return _objects[kind].GetValueOrDefault((ns, name));
        }
    }

    /// <summary>The objects of a kind (in one namespace, or all when <paramref name="ns"/> is null), ordered by
    /// namespace and name, with the revision they are current at.</summary>
    public (IReadOnlyList<StoredObject> Items, long Revision) List(ResourceKind kind, string? ns = null)
    {
        lock (_gate)
        {
            return (Snapshot(kind, ns), _revision);
        }
    }

    /// <summary>Every object of every kind, taken at one instant (owners and dependents agree).</summary>
    public IReadOnlyList<StoredObject> ListAll()
    {
        lock (_gate)
        {
            return [.. _objects.Values.SelectMany(objects => objects.Values)];
        }
    }

    /// <param name="dryRun">Validate and admit as for real, store nothing (<c>?dryRun=All</c>).</param>
    public StoredObject Create(ResourceKind kind, JsonObject obj, bool dryRun = false)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return CreateLocked(kind, obj, dryRun);
        }
    }

    /// <summary>
    /// Replaces an existing object. A resourceVersion in <paramref name="obj"/> must be the current one
    /// (optimistic concurrency); without one the replace is unconditional. With <paramref name="statusOnly"/>
    /// only <c>status</c> is taken from <paramref name="obj"/>; otherwise, for kinds with a status subresource,
    /// everything but <c>status</c>.
    /// </summary>
    public StoredObject Replace(ResourceKind kind, JsonObject obj, bool statusOnly = false, bool dryRun = false)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReplaceLocked(kind, obj, statusOnly, dryRun);
        }
    }

    /// <summary>Creates the object, or replaces it unconditionally when it exists (like <c>kubectl apply</c>).</summary>
    public StoredObject Apply(ResourceKind kind, JsonObject obj)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var name = ObjectMeta.Name(obj);
            var ns = kind.Namespaced ? ObjectMeta.Namespace(obj) : "";
            if (name.Length == 0 || !_objects[kind].ContainsKey((ns, name)))
            {
                return CreateLocked(kind, obj);
            }
            ObjectMeta.Metadata(obj).Remove("resourceVersion");
            return ReplaceLocked(kind, obj, statusOnly: false);
        }
    }

    /// <summary>Deletes an object (a Namespace with everything in it) and returns its final version; a dry run only finds it.</summary>
    /// <param name="precondition">Checks the object about to go, under the store's lock (throwing to refuse).</param>
    public StoredObject Delete(ResourceKind kind, string ns, string name, bool dryRun = false, Action<StoredObject>? precondition = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _objects[kind].GetValueOrDefault((ns, name)) ?? throw ApiErrors.NotFound(kind, name);
            precondition?.Invoke(current);
            if (dryRun)
            {
                return current;
            }
            if (kind == ResourceCatalog.Namespace)
            {
                foreach (var namespacedKind in ResourceCatalog.All.Where(k => k.Namespaced))
                {
                    foreach (var contained in Snapshot(namespacedKind, name))
                    {
                        DeleteLocked(contained);
                    }
                }
            }
            return DeleteLocked(current);
        }
    }

    /// <summary>
    /// Starts a watch. From a resourceVersion it replays the retained events after it (410 Expired when
    /// they are no longer all retained); without one it starts with a synthetic ADDED per current object.
    /// </summary>
    public StoreWatch Watch(ResourceKind kind, string? ns, long? fromRevision)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            IReadOnlyList<WatchEvent> initial;
            if (fromRevision is { } from)
            {
                if (from < _trimmedThrough)
                {
                    throw ApiErrors.Expired(from, _trimmedThrough);
                }
                initial = [.. _history.Where(e => e.Revision > from && e.Kind == kind && (ns is null || e.Object!.Namespace == ns))];
            }
            else
            {
                initial = [.. Snapshot(kind, ns).Select(o => new WatchEvent(WatchEventType.Added, kind, o, null, o.ResourceVersion))];
            }
            var watch = new StoreWatch(this, kind, ns, initial, _revision, _watchBacklog);
            _watches.Add(watch);
            return watch;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var watch in _watches)
            {
                watch.Close();
            }
            _watches.Clear();
        }
    }

    internal void Bookmark(StoreWatch watch)
    {
        lock (_gate)
        {
            if (_watches.Contains(watch) && !watch.Offer(new WatchEvent(WatchEventType.Bookmark, watch.Kind, null, null, _revision)))
            {
                Drop(watch);
            }
        }
    }

    internal void Unwatch(StoreWatch watch)
    {
        lock (_gate)
        {
            Drop(watch);
        }
    }

    private StoredObject CreateLocked(ResourceKind kind, JsonObject obj, bool dryRun = false)
    {
        ObjectValidation.CheckShape(obj);
        SetTypeMeta(kind, obj);
        var metadata = ObjectMeta.Metadata(obj);
        var ns = "";
        if (kind.Namespaced)
        {
            ns = ObjectMeta.Namespace(obj);
            if (ns.Length == 0)
            {
                throw ApiErrors.BadRequest("an empty namespace may not be set during creation");
            }
            if (!_objects[ResourceCatalog.Namespace].ContainsKey(("", ns)))
            {
                throw ApiErrors.NotFound(ResourceCatalog.Namespace, ns);
            }
        }
        else
        {
            metadata.Remove("namespace");
        }
        var objects = _objects[kind];
        var name = ObjectMeta.Name(obj);
        if (name.Length == 0 && ObjectMeta.MetadataString(obj, "generateName") is { Length: > 0 } prefix)
        {
            do
            {
                name = prefix + NameSuffix.Next();
            }
            while (objects.ContainsKey((ns, name)));
            metadata["name"] = name;
        }
        ObjectValidation.CheckName(kind, name);
        if (objects.ContainsKey((ns, name)))
        {
            throw ApiErrors.AlreadyExists(kind, name);
        }
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Timestamps.Now();
        metadata["generation"] = 1;
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        if (kind.HasStatus)
        {
            obj.Remove("status");
        }
        foreach (var plugin in _admission)
        {
            plugin.Admit(kind, obj, null);
        }
        if (dryRun)
        {
            // What the create would give (a cluster IP included), with whatever admission allocated given back.
            foreach (var plugin in _admission)
            {
                plugin.Release(kind, obj);
            }
            return StoredObject.Capture(kind, obj);
        }
        ObjectMeta.SetResourceVersion(obj, ++_revision);
        var stored = StoredObject.Capture(kind, obj);
        objects[(ns, name)] = stored;
        Publish(new WatchEvent(WatchEventType.Added, kind, stored, null, _revision));
        return stored;
    }

    private StoredObject ReplaceLocked(ResourceKind kind, JsonObject obj, bool statusOnly, bool dryRun = false)
    {
        ObjectValidation.CheckShape(obj);
        var ns = kind.Namespaced ? ObjectMeta.Namespace(obj) : "";
        var name = ObjectMeta.Name(obj);
        var current = _objects[kind].GetValueOrDefault((ns, name)) ?? throw ApiErrors.NotFound(kind, name);
        if (ObjectMeta.ResourceVersion(obj) is { Length: > 0 } expected && expected != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw ApiErrors.Conflict(kind, name);
        }
        var old = current.ToJsonObject();
        JsonObject next;
        if (statusOnly)
        {
            next = old.DeepClone().AsObject();
            next.Remove("status");
            if (obj["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
        }
        else
        {
            next = obj;
            SetTypeMeta(kind, next);
            var metadata = ObjectMeta.Metadata(next);
            var oldMetadata = ObjectMeta.Metadata(old);
            foreach (var immutable in new[] { "uid", "creationTimestamp", "namespace" })
            {
                metadata[immutable] = oldMetadata[immutable]?.DeepClone();
            }
            if (!kind.Namespaced)
            {
                metadata.Remove("namespace");
            }
            metadata.Remove("generateName");
            if (oldMetadata["generateName"] is { } generateName)
            {
                metadata["generateName"] = generateName.DeepClone();
            }
            if (kind.HasStatus)
            {
                next.Remove("status");
                if (old["status"] is { } oldStatus)
                {
                    next["status"] = oldStatus.DeepClone();
                }
            }
            metadata["generation"] = ObjectMeta.Generation(old) + (ContentChanged(old, next) ? 1 : 0);
            foreach (var plugin in _admission)
            {
                plugin.Admit(kind, next, old);
            }
        }
        // A write that changes nothing is not a write: no new resourceVersion, no event.
        ObjectMeta.SetResourceVersion(next, current.ResourceVersion);
        if (JsonNode.DeepEquals(next, old))
        {
            return current;
        }
        if (dryRun)
        {
            return StoredObject.Capture(kind, next); // Replace admits nothing it would have to give back.
        }
        ObjectMeta.SetResourceVersion(next, ++_revision);
        var stored = StoredObject.Capture(kind, next);
        _objects[kind][(ns, name)] = stored;
        Publish(new WatchEvent(WatchEventType.Modified, kind, stored, current, _revision));
        return stored;
    }

    private StoredObject DeleteLocked(StoredObject current)
    {
        var kind = current.Kind;
        _objects[kind].Remove((current.Namespace, current.Name));
        var obj = current.ToJsonObject();
        ObjectMeta.SetResourceVersion(obj, ++_revision);
        foreach (var plugin in _admission)
        {
            plugin.Release(kind, obj);
        }
        var stored = StoredObject.Capture(kind, obj);
        Publish(new WatchEvent(WatchEventType.Deleted, kind, stored, current, _revision));
        return stored;
    }

    // Every stored object names its kind, whoever wrote it, so list items and watch events carry it.
    private static void SetTypeMeta(ResourceKind kind, JsonObject obj)
    {
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
    }

    /// <summary>Whether anything but metadata and status changed: what bumps <c>metadata.generation</c>.</summary>
    private static bool ContentChanged(JsonObject old, JsonObject next)
    {
        static JsonObject Content(JsonObject obj)
        {
            var content = obj.DeepClone().AsObject();
            foreach (var field in new[] { "apiVersion", "kind", "metadata", "status" })
            {
                content.Remove(field);
            }
            return content;
        }
        return !JsonNode.DeepEquals(Content(old), Content(next));
    }

    private List<StoredObject> Snapshot(ResourceKind kind, string? ns) =>
        [.. _objects[kind].Values
            .Where(o => ns is null || o.Namespace == ns)
            .OrderBy(o => o.Namespace, StringComparer.Ordinal)
            .ThenBy(o => o.Name, StringComparer.Ordinal)];

    private void Publish(WatchEvent change)
    {
        _history.Enqueue(change);
        while (_history.Count > _historyLimit)
        {
            _trimmedThrough = _history.Dequeue().Revision;
        }
        for (var i = _watches.Count - 1; i >= 0; i--)
        {
            var watch = _watches[i];
            if (watch.Accepts(change) && !watch.Offer(change))
            {
                Drop(watch);
            }
        }
        Changed?.Invoke(change.Kind);
    }

    private void Drop(StoreWatch watch)
    {
        if (_watches.Remove(watch))
        {
            watch.Close();
        }
    }
}
