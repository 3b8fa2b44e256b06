using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Catalog;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Http.Tables;
using Mesh.AppHost.LocalApi.Objects;
using Mesh.AppHost.LocalApi.Selectors;
using Mesh.AppHost.LocalApi.Store;
using Microsoft.AspNetCore.Http;

using Mesh.Grains.Validation;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>Serves the Kubernetes REST protocol over the store: discovery, then the verbs of each kind.</summary>
internal sealed class ApiRequestHandler(ObjectStore store, TimeSpan bookmarkInterval)
{
    private const int PatchAttempts = 5;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        try
        {
            var path = request.Path.Value ?? "/";
            if (path is "/healthz" or "/livez" or "/readyz")
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
                return;
            }
            if (path == "/openapi/v2")
            {
                // An OpenAPI document without schemas (an empty protobuf message): kubectl finds no schema for
                // the kinds it sends and skips client-side validation, so apply/create work without --validate=false.
                context.Response.ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
                context.Response.ContentLength = 0;
                return;
            }
            if (DiscoveryDocuments.Find(path, request.Host.Value ?? "") is { } document)
            {
                RequireMethod(request, HttpMethods.Get);
                await HttpJson.WriteAsync(context.Response, 200, document).ConfigureAwait(false);
                return;
            }
            var target = ResourcePath.Parse(path) ?? throw ApiErrors.UnknownResource();
            var task = request.Method switch
            {
                "GET" => GetAsync(context, target),
                "POST" => CreateAsync(context, target),
                "PUT" => ReplaceAsync(context, target),
                "PATCH" => PatchAsync(context, target),
                "DELETE" => DeleteAsync(context, target),
                _ => throw ApiErrors.MethodNotAllowed(request.Method),
            };
            await task.ConfigureAwait(false);
        }
        catch (LocalApiException error) when (!context.Response.HasStarted)
        {
            await HttpJson.WriteAsync(context.Response, error.Code, error.ToStatus()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task GetAsync(HttpContext context, ResourcePath target)
    {
        var request = context.Request;
        var kind = target.Kind;
        var includeObject = request.Query["includeObject"].ToString();
        if (!target.IsCollection)
        {
            var stored = store.Get(kind, target.Namespace ?? "", target.Name!) ?? throw ApiErrors.NotFound(kind, target.Name!);
            await (TableBuilder.IsRequested(request)
                ? HttpJson.WriteAsync(context.Response, 200, TableBuilder.Build(kind, [stored], null, includeObject), TableBuilder.ContentType)
                : HttpJson.WriteAsync(context.Response, 200, stored.Json)).ConfigureAwait(false);
            return;
        }
        var filter = ObjectFilter.Parse(request.Query["labelSelector"], request.Query["fieldSelector"]);
        if (HttpJson.IsTrue(request.Query["watch"]))
        {
            await WatchEndpoint.ServeAsync(context, store, target, filter, bookmarkInterval).ConfigureAwait(false);
            return;
        }
        // A resourceVersion on a list means "not older than"; the store is always the newest, so it is served as is.
        var (items, revision) = store.List(kind, target.Namespace);
        var matching = items.Where(filter.Matches);
        await (TableBuilder.IsRequested(request)
            ? HttpJson.WriteAsync(context.Response, 200, TableBuilder.Build(kind, matching, revision, includeObject), TableBuilder.ContentType)
            : HttpJson.WriteAsync(context.Response, 200, ObjectList.Serialize(kind, matching, revision))).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, ResourcePath target)
    {
        if (!target.IsCollection || (target.Kind.Namespaced && target.Namespace is null))
        {
            throw ApiErrors.MethodNotAllowed(context.Request.Method);
        }
        var obj = await HttpJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        CheckBody(target, obj);
        var created = store.Create(target.Kind, obj, IsDryRun(context.Request));
        await HttpJson.WriteAsync(context.Response, 201, created.Json).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(HttpContext context, ResourcePath target)
    {
        if (target.IsCollection)
        {
            throw ApiErrors.MethodNotAllowed(context.Request.Method);
        }
        var obj = await HttpJson.ReadObjectAsync(context.Request).ConfigureAwait(false);
        CheckBody(target, obj);
        var replaced = store.Replace(target.Kind, obj, target.Status, IsDryRun(context.Request));
        await HttpJson.WriteAsync(context.Response, 200, replaced.Json).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ResourcePath target)
    {
        if (target.IsCollection)
        {
            throw ApiErrors.MethodNotAllowed(context.Request.Method);
        }
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        // As the API server: strategic merge patches for built-in kinds only (the Gateway API kinds are custom resources).
        var strategic = mediaType == StrategicMergePatch.MediaType && !ResourceCatalog.IsCustom(target.Kind);
        if (!strategic && mediaType is not ("application/merge-patch+json" or JsonPatch.MediaType))
        {
            throw new LocalApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json"
                + (ResourceCatalog.IsCustom(target.Kind) ? "" : ", application/strategic-merge-patch+json") + $" (got {mediaType})");
        }
        var dryRun = IsDryRun(context.Request);
        var body = await HttpJson.ReadNodeAsync(context.Request).ConfigureAwait(false);
        var patch = mediaType == JsonPatch.MediaType ? null : body as JsonObject ?? throw ApiErrors.BadRequest("the request body must be a JSON object");
        // The real server retries a patch that lost a race, unless the patch itself names a resourceVersion.
        for (var attempt = 1; ; attempt++)
        {
            var current = store.Get(target.Kind, target.Namespace ?? "", target.Name!) ?? throw ApiErrors.NotFound(target.Kind, target.Name!);
            var obj = current.ToJsonObject();
            if (patch is null)
            {
                obj = JsonPatch.Apply(obj, body);
            }
            else if (strategic)
            {
                StrategicMergePatch.Apply(obj, patch);
            }
            else
            {
                MergePatch.Apply(obj, patch);
            }
            CheckBody(target, obj);
            try
            {
                var patched = store.Replace(target.Kind, obj, target.Status, dryRun);
                await HttpJson.WriteAsync(context.Response, 200, patched.Json).ConfigureAwait(false);
                return;
            }
            catch (LocalApiException conflict) when (conflict.Reason == "Conflict" && attempt < PatchAttempts &&
                                                     (patch is null ? !NamesResourceVersion(body) : ObjectMeta.ResourceVersion(patch) is null))
            {
            }
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath target)
    {
        if (target.IsCollection || target.Status)
        {
            throw ApiErrors.MethodNotAllowed(context.Request.Method);
        }
        // kubectl sends its options as a DeleteOptions body (dryRun among them), not in the query.
        var options = context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0
            ? await HttpJson.ReadObjectAsync(context.Request).ConfigureAwait(false)
            : null;
        var dryRun = IsDryRun(context.Request) || IsDryRun((options?["dryRun"] as JsonArray)?.Select(value => value?.ToString()) ?? []);
        var preconditions = options?["preconditions"] as JsonObject;
        var deleted = store.Delete(target.Kind, target.Namespace ?? "", target.Name!, dryRun,
            preconditions is null ? null : current => CheckPreconditions(current, preconditions));
        await HttpJson.WriteAsync(context.Response, 200, deleted.Json).ConfigureAwait(false);
    }

    /// <summary>DeleteOptions' preconditions: the object must still be the one with this uid, at this resourceVersion.</summary>
    private static void CheckPreconditions(StoredObject current, JsonObject preconditions)
    {
        // Runs under the store's lock: the stored fields, not the object parsed again.
        var actual = new[] { ("uid", "UID", current.Uid), ("resourceVersion", "ResourceVersion", current.ResourceVersion.ToString(CultureInfo.InvariantCulture)) };
        foreach (var (field, name, value) in actual)
        {
            if (ObjectMeta.String(preconditions[field]) is { } wanted && wanted != value)
            {
                throw new LocalApiException(409, "Conflict", $"Precondition failed: {name} in precondition: {wanted}, {name} in object meta: {value}");
            }
        }
    }

    /// <summary>A JSON patch that sets or tests metadata.resourceVersion means that version only: it is not retried.</summary>
    private static bool NamesResourceVersion(JsonNode? jsonPatch) =>
        jsonPatch is JsonArray operations && operations.Any(o => ObjectMeta.String(o?["path"]) == "/metadata/resourceVersion");

    /// <summary>
    /// <c>?dryRun=All</c>: the write is checked and admitted as for real, and nothing is stored (kubectl diff and
    /// <c>--dry-run=server</c> send it, without asking first whether the server honours it).
    /// </summary>
    private static bool IsDryRun(HttpRequest request) => IsDryRun(request.Query["dryRun"]);

    /// <summary>A dryRun list, from the query or a DeleteOptions body: "All" is the one value; none, no dry run.</summary>
    private static bool IsDryRun(IEnumerable<string?> values)
    {
        var any = false;
        foreach (var value in values)
        {
            if (value != "All")
            {
                throw ApiErrors.BadRequest($"Invalid dry run value: \"{value}\": supported values: \"All\"");
            }
            any = true;
        }
        return any;
    }

    /// <summary>
    /// The body must be the kind the URL names (422 otherwise; missing apiVersion/kind are filled in), and
    /// name and namespace must agree with the URL (400 otherwise; a missing namespace is filled in).
    /// </summary>
    private static void CheckBody(ResourcePath target, JsonObject obj)
    {
        var kind = target.Kind;
        var errors = new List<FieldError>();
        var apiVersion = ObjectMeta.String(obj["apiVersion"]);
        if (apiVersion is not null && apiVersion != kind.ApiVersion)
        {
            errors.Add(new FieldError("apiVersion", "FieldValueInvalid", $"Invalid value: \"{apiVersion}\": must be {kind.ApiVersion}"));
        }
        var kindName = ObjectMeta.String(obj["kind"]);
        if (kindName is not null && kindName != kind.Kind)
        {
            errors.Add(new FieldError("kind", "FieldValueInvalid", $"Invalid value: \"{kindName}\": must be {kind.Kind}"));
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(kind, target.Name ?? ObjectMeta.Name(obj), errors);
        }
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        ObjectValidation.CheckShape(obj);
        var metadata = ObjectMeta.Metadata(obj);
        if (target.Name is { } urlName && ObjectMeta.Name(obj) != urlName)
        {
            throw ApiErrors.BadRequest($"the name of the object ({ObjectMeta.Name(obj)}) does not match the name on the URL ({urlName})");
        }
        if (kind.Namespaced && target.Namespace is { } urlNamespace)
        {
            var bodyNamespace = ObjectMeta.Namespace(obj);
            if (bodyNamespace.Length == 0)
            {
                metadata["namespace"] = urlNamespace;
            }
            else if (bodyNamespace != urlNamespace)
            {
                throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
    }

    private static void RequireMethod(HttpRequest request, string method)
    {
        if (request.Method != method)
        {
            throw ApiErrors.MethodNotAllowed(request.Method);
        }
    }
}
