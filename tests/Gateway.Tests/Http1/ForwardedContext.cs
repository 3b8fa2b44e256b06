using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>A request context as a front would hand it to the forwarder, its response kept in memory.</summary>
internal static class ForwardedContext
{
    public static DefaultHttpContext New(string method, Action<IHeaderDictionary>? headers, bool trailers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Protocol = "HTTP/1.1";
        context.Connection.RemoteIpAddress = IPAddress.Parse("127.1.0.5");
        headers?.Invoke(context.Request.Headers);
        context.Response.Body = new MemoryStream();
        var abort = new AbortRecorder();
        context.Features.Set<IHttpRequestLifetimeFeature>(abort);
        context.Features.Set(abort);
        if (trailers)
        {
            context.Features.Set<IHttpResponseTrailersFeature>(new TrailersFeature());
        }
        return context;
    }

    public sealed class AbortRecorder : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }
        public CancellationToken RequestAborted { get; set; }
        public void Abort() => Aborted = true;
    }

    public sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    public sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }
}
