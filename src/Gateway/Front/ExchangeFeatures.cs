using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Front;

/// <summary>
/// What a lean exchange (<see cref="LeanExchange"/>, an HTTP/2 stream) answers for in the same way, as
/// ASP.NET Core features: the request line and fields, the response status, fields and callbacks, the
/// connection's addresses. Bodies, lifetime and the wire are each protocol's own.
/// </summary>
internal abstract class ExchangeFeatures : IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpConnectionFeature
{
    private Stream? _responseStream;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;
    private List<(Func<object, Task> Callback, object State)>? _onCompleted;

    protected ExchangeFeatures(string protocol, string connectionId, IPEndPoint local, IPEndPoint remote)
    {
        Protocol = protocol;
        ConnectionId = connectionId;
        LocalIpAddress = local.Address;
        LocalPort = local.Port;
        RemoteIpAddress = remote.Address;
        RemotePort = remote.Port;
    }

    /// <summary>The request body, as the request path reads it.</summary>
    protected abstract Stream RequestBodyStream { get; }

    /// <summary>The response body writer.</summary>
    protected abstract PipeWriter BodyWriter { get; }

    /// <summary>A 200 with no fields and no callbacks, for the next request.</summary>
    protected void ResetResponse()
    {
        StatusCode = StatusCodes.Status200OK;
        ReasonPhrase = null;
        ResponseHeaders.Clear();
        _onStarting?.Clear();
        _onCompleted?.Clear();
    }

    /// <summary>The request path threw before its answer started: a bare 500 instead (Kestrel's rule), what it wrote dropped.</summary>
    internal virtual void FailWith500()
    {
        DiscardPendingBody();
        StatusCode = StatusCodes.Status500InternalServerError;
        ReasonPhrase = null;
        ResponseHeaders.Clear();
        ResponseHeaders.ContentLength = 0;
    }

    /// <summary>Drops the body written but not yet sent.</summary>
    protected abstract void DiscardPendingBody();

    /// <summary>1xx, 204 and 304 answers carry no body (RFC 9110 §6.4.1).</summary>
    internal bool StatusCodeForbidsBody() => StatusCode is < 200 or StatusCodes.Status204NoContent or StatusCodes.Status304NotModified;

    // Request.
    public string Protocol { get; set; }
    public string Scheme { get; set; } = "http";
    public string Method { get; set; } = HttpMethods.Get;
    public string PathBase { get; set; } = "";
    public string Path { get; set; } = "/";
    public string QueryString { get; set; } = "";
    public string RawTarget { get; set; } = "/";
    public HeaderDictionary RequestHeaders { get; } = new();
    IHeaderDictionary IHttpRequestFeature.Headers { get => RequestHeaders; set => throw new NotSupportedException(); }
    Stream IHttpRequestFeature.Body { get => RequestBodyStream; set => throw new NotSupportedException("the lean front's request body cannot be replaced"); }

    // Response.
    public int StatusCode { get; set; } = StatusCodes.Status200OK;
    public string? ReasonPhrase { get; set; }
    public HeaderDictionary ResponseHeaders { get; } = new();
    IHeaderDictionary IHttpResponseFeature.Headers { get => ResponseHeaders; set => throw new NotSupportedException(); }
    Stream IHttpResponseFeature.Body { get => Stream; set => throw new NotSupportedException(); }
    public abstract bool HasStarted { get; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("the response has already started");
        }
        (_onStarting ??= []).Add((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= []).Add((callback, state));

    /// <summary>Runs the OnStarting callbacks, last registered first (as Kestrel does), once, before the head is written.</summary>
    internal ValueTask RunOnStartingAsync() => RunOnceAsync(_onStarting);

    internal ValueTask RunOnCompletedAsync() => RunOnceAsync(_onCompleted);

    private static async ValueTask RunOnceAsync(List<(Func<object, Task> Callback, object State)>? callbacks)
    {
        if (callbacks is not { Count: > 0 })
        {
            return;
        }
        for (var i = callbacks.Count - 1; i >= 0; i--)
        {
            await callbacks[i].Callback(callbacks[i].State).ConfigureAwait(false);
        }
        callbacks.Clear();
    }

    // Response body.
    public Stream Stream => _responseStream ??= BodyWriter.AsStream(leaveOpen: true);
    PipeWriter IHttpResponseBodyFeature.Writer => BodyWriter;
    public void DisableBuffering()
    {
    }

    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => BodyWriter.CompleteAsync().AsTask();

    // Connection.
    public string ConnectionId { get; set; }
    public IPAddress? RemoteIpAddress { get; set; }
    public IPAddress? LocalIpAddress { get; set; }
    public int RemotePort { get; set; }
    public int LocalPort { get; set; }
}
