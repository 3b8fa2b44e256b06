using System.Net;
using Mesh.AppHost.LocalApi.Store;
using Mesh.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.AppHost.LocalApi.Http;

/// <summary>The local Kubernetes API: plain HTTP (HTTP/1.1 and h2c) on one endpoint.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    public Uri Uri { get; }

    public static async Task<ApiServer> StartAsync(ObjectStore store, IPEndPoint endpoint, TimeSpan bookmarkInterval, CancellationToken ct)
    {
        var app = QuietWebHost.Create(kestrel => kestrel.Listen(endpoint, listen => listen.UseHttp1AndH2c()), TimeSpan.FromSeconds(2));
        var handler = new ApiRequestHandler(store, bookmarkInterval);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endpoint.Address;
        var uri = new UriBuilder(Uri.UriSchemeHttp, host.ToString(), QuietWebHost.BoundPort(app)).Uri;
        return new ApiServer(app, uri);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
