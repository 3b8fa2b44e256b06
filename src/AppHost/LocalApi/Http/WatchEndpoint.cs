using System.Globalization;
using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Http.Tables;
using Mesh.AppHost.LocalApi.Selectors;
using Mesh.AppHost.LocalApi.Store;
using Microsoft.AspNetCore.Http;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>
/// <c>?watch=1</c>: a stream of newline-delimited events, flushed one by one. Query parameters as the real
/// server reads them: <c>resourceVersion</c> (resume after it; absent or "0" starts with the current objects),
/// <c>sendInitialEvents</c>, <c>allowWatchBookmarks</c>, <c>timeoutSeconds</c>.
/// </summary>
internal static class WatchEndpoint
{
    public static async Task ServeAsync(HttpContext context, ObjectStore store, ResourcePath target, ObjectFilter filter, TimeSpan bookmarkInterval)
    {
        var query = context.Request.Query;
        var sendInitialEvents = HttpJson.IsTrue(query["sendInitialEvents"]);
        var bookmarks = HttpJson.IsTrue(query["allowWatchBookmarks"]);
        var fromRevision = sendInitialEvents ? null : ParseRevision(query["resourceVersion"]);
        var timeout = long.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : (TimeSpan?)null;
        var table = TableBuilder.IsRequested(context.Request);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = table ? TableBuilder.ContentType : HttpJson.ContentType;
        var writer = new WatchEventWriter(response, target.Kind, filter, table, query["includeObject"]);

        StoreWatch watch;
        try
        {
            watch = store.Watch(target.Kind, target.Namespace, fromRevision);
        }
        catch (LocalApiException expired) when (expired.Code == 410)
        {
            // As the real server: the watch itself succeeds and its only event is the error.
            await writer.WriteErrorAsync(expired, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using (watch)
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            if (timeout is { } limit)
            {
                cts.CancelAfter(limit);
            }
            var bookmarking = bookmarks ? BookmarkAsync(watch, bookmarkInterval, cts.Token) : Task.CompletedTask;
            try
            {
                await response.StartAsync(cts.Token).ConfigureAwait(false);
                foreach (var change in watch.Initial)
                {
                    await writer.WriteAsync(change, cts.Token).ConfigureAwait(false);
                }
                if (sendInitialEvents && bookmarks)
                {
                    await writer.WriteBookmarkAsync(watch.StartRevision, initialEventsEnd: true, cts.Token).ConfigureAwait(false);
                }
                await response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
                await foreach (var change in watch.Events.ReadAllAsync(cts.Token).ConfigureAwait(false))
                {
                    await writer.WriteAsync(change, cts.Token).ConfigureAwait(false);
                    await response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                // Timed out or the client went away: the stream just ends.
            }
            catch (IOException)
            {
                // The connection broke mid-write.
            }
            finally
            {
                await cts.CancelAsync().ConfigureAwait(false);
                await bookmarking.ConfigureAwait(false);
            }
        }
    }

    private static long? ParseRevision(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw ApiErrors.BadRequest($"invalid resource version: {text}");
    }

    private static async Task BookmarkAsync(StoreWatch watch, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                watch.RequestBookmark();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
