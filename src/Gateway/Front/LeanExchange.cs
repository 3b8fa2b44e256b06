using System.Net;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Front;

/// <summary>
/// One request and its response on a lean connection, as ASP.NET Core features, so the request path
/// (<see cref="Proxy.MeshProxy"/>) serves it exactly as it serves Kestrel's. One per connection, reset
/// between requests, the way Kestrel reuses its own.
/// </summary>
internal sealed class LeanExchange : IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpConnectionFeature,
    IHttpRequestLifetimeFeature, IHttpRequestBodyDetectionFeature, IOwnFeatures
{
    public static Type[] OwnFeatureTypes { get; } =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IHttpConnectionFeature),
        typeof(IHttpRequestLifetimeFeature), typeof(IHttpRequestBodyDetectionFeature),
    ];

    private readonly LeanConnection _connection;
    private readonly LeanFeatures<LeanExchange> _features;
    private readonly Stream _responseStream;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;
    private List<(Func<object, Task> Callback, object State)>? _onCompleted;

    public LeanExchange(LeanConnection connection, IPEndPoint local, IPEndPoint remote)
    {
        _connection = connection;
        _features = new LeanFeatures<LeanExchange>(this);
        Writer = new LeanResponseWriter(connection, this);
        _responseStream = Writer.AsStream(leaveOpen: true);
        RequestBody = new LeanRequestBody(connection);
        LocalIpAddress = local.Address;
        LocalPort = local.Port;
        RemoteIpAddress = remote.Address;
        RemotePort = remote.Port;
        ConnectionId = connection.Id;
        Context = new DefaultHttpContext(_features);
    }

    public DefaultHttpContext Context { get; }

    internal LeanRequestBody RequestBody { get; }

    internal LeanResponseWriter Writer { get; }

    /// <summary>Readies the exchange for a request whose head was just parsed into it.</summary>
    internal void Begin(long? contentLength)
    {
        RequestBody.Begin(contentLength ?? 0);
        StatusCode = StatusCodes.Status200OK;
        ReasonPhrase = null;
        ResponseHeaders.Clear();
        _onStarting?.Clear();
        _onCompleted?.Clear();
        Writer.Begin(HttpMethods.IsHead(Method));
        _features.Reset();
        Context.Uninitialize();
        Context.Initialize(_features);
    }

    /// <summary>1xx, 204 and 304 answers carry no body (RFC 9110 §6.4.1).</summary>
    internal bool StatusCodeForbidsBody() => StatusCode is < 200 or StatusCodes.Status204NoContent or StatusCodes.Status304NotModified;

    /// <summary>The request path threw before its answer started: a bare 500 instead (Kestrel's rule).</summary>
    internal void FailWith500()
    {
        Writer.DiscardPending();
        StatusCode = StatusCodes.Status500InternalServerError;
        ReasonPhrase = null;
        ResponseHeaders.Clear();
        ResponseHeaders.ContentLength = 0;
    }

    private List<KeyValuePair<string, string>> _fields = [];
    private List<KeyValuePair<string, string>> _previousFields = [];

    /// <summary>For the head parser: the previous request's fields (whose strings a repeat reuses), and an empty list for this one's.</summary>
    internal (List<KeyValuePair<string, string>> Previous, List<KeyValuePair<string, string>> Current) StartReadingFields()
    {
        (_previousFields, _fields) = (_fields, _previousFields);
        _fields.Clear();
        return (_previousFields, _fields);
    }

    // Request.
    public string Protocol { get; set; } = "HTTP/1.1";
    public string Scheme { get; set; } = "http";
    public string Method { get; set; } = HttpMethods.Get;
    public string PathBase { get; set; } = "";
    public string Path { get; set; } = "/";
    public string QueryString { get; set; } = "";
    public string RawTarget { get; set; } = "/";
    public HeaderDictionary RequestHeaders { get; } = new();
    IHeaderDictionary IHttpRequestFeature.Headers { get => RequestHeaders; set => throw new NotSupportedException(); }
    Stream IHttpRequestFeature.Body { get => RequestBody; set => throw new NotSupportedException("the lean front's request body cannot be replaced"); }
    public bool CanHaveBody => RequestBody.Length > 0;

    // Response.
    public int StatusCode { get; set; }
    public string? ReasonPhrase { get; set; }
    public HeaderDictionary ResponseHeaders { get; } = new();
    IHeaderDictionary IHttpResponseFeature.Headers { get => ResponseHeaders; set => throw new NotSupportedException(); }
    Stream IHttpResponseFeature.Body { get => _responseStream; set => throw new NotSupportedException(); }
    public bool HasStarted => Writer.HeadSent;

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
    public Stream Stream => _responseStream;
    PipeWriter IHttpResponseBodyFeature.Writer => Writer;
    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Writer.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_responseStream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => Writer.CompleteAsync().AsTask();

    // Connection.
    public string ConnectionId { get; set; }
    public IPAddress? RemoteIpAddress { get; set; }
    public IPAddress? LocalIpAddress { get; set; }
    public int RemotePort { get; set; }
    public int LocalPort { get; set; }

    // Lifetime.
    public CancellationToken RequestAborted { get => _connection.Aborted; set => throw new NotSupportedException(); }
    public void Abort() => _connection.Abort();
}
