using Mesh.Gateway.Forwarding;
using System.Net;
using System.IO.Pipelines;
using Mesh.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// One request stream on an HTTP/2 connection of the lean front, as ASP.NET Core features, so the request
/// path (<see cref="MeshProxy"/>) serves it exactly as it serves Kestrel's. The connection keeps a few
/// ended streams and reuses them, as Kestrel does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Kept by its connection for reuse; the token source holds no unmanaged resource once its registrations are gone.")]
internal sealed class Http2Stream : ExchangeFeatures, IHttpRequestLifetimeFeature, IHttpRequestBodyDetectionFeature, IHttpResponseTrailersFeature,
    IHttpResetFeature, IOwnFeatures
{
    public static Type[] OwnFeatureTypes { get; } =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IHttpConnectionFeature),
        typeof(IHttpRequestLifetimeFeature), typeof(IHttpRequestBodyDetectionFeature), typeof(IHttpResponseTrailersFeature),
        typeof(IHttpResetFeature),
    ];

    private readonly LeanFeatures<Http2Stream> _features;
    private CancellationTokenSource _aborted = new();
    private TaskCompletionSource? _windowWait;
    private readonly HeaderDictionary _trailers = new();

    private readonly Action _handled;
    private ValueTask _handling; // Consumed once, by Handled.

    public Http2Stream(Http2Connection connection)
        : base("HTTP/2", connection.Id, connection.EndPoints.Local, connection.EndPoints.Remote)
    {
        Connection = connection;
        _features = new LeanFeatures<Http2Stream>(this);
        Writer = new Http2ResponseWriter(this);
        RequestBody = new Http2RequestBody(this);
        Context = new DefaultHttpContext(_features);
        _handled = OnHandled;
    }

    public Http2Connection Connection { get; }

    public int Id { get; private set; }

    public DefaultHttpContext Context { get; }

    internal Http2RequestBody RequestBody { get; }

    internal Http2ResponseWriter Writer { get; }

    // Flow control and state, under the connection output's lock.

    /// <summary>What the client lets this stream send (RFC 9113 §6.9).</summary>
    internal long SendWindow { get; set; }

    /// <summary>What this stream may still receive before it gives the client more window.</summary>
    internal long ReceiveWindow { get; set; }

    /// <summary>Body bytes read out and not yet given back to the client as window.</summary>
    internal int Unacknowledged { get; set; }

    /// <summary>The client sent END_STREAM (or the stream was reset).</summary>
    internal bool RemoteEnded { get; set; }

    /// <summary>This side sent END_STREAM or RST_STREAM.</summary>
    internal bool LocalEnded { get; set; }

    internal bool IsReset { get; private set; }

    /// <summary>The request's content-length, checked against the DATA received (RFC 9113 §8.1.1).</summary>
    internal long? DeclaredLength { get; private set; }

    internal long ReceivedLength { get; set; }

    /// <summary>Kestrel's minimum rates: the client must give window for the answer, and send the body, at 240 bytes a second once waited on for 5 s.</summary>
    internal ClientDataRate SendRate { get; } = new();

    internal ClientDataRate BodyRate { get; } = new();

    /// <summary>
    /// Not without a body, and not for gRPC: a streaming call's client may rightly stay silent for long
    /// (Grpc.AspNetCore turns Kestrel's body rate off for it too). Its answers still need window.
    /// </summary>
    internal bool BodyRateApplies { get; private set; }

    /// <summary>The final answer's HEADERS were appended (under the output lock): no interim 100 may follow them.</summary>
    internal bool HeadAppended { get; set; }

    /// <summary>Both sides sent END_STREAM, or either reset it: closed, as the client counts streams, even if its request path is still finishing.</summary>
    internal bool IsClosed => IsReset || (LocalEnded && RemoteEnded);

    /// <summary>Readies the stream for a new request whose header block is about to be read.</summary>
    internal void Begin(int id, long sendWindow, long receiveWindow)
    {
        Id = id;
        SendWindow = sendWindow;
        ReceiveWindow = receiveWindow;
        Unacknowledged = 0;
        RemoteEnded = LocalEnded = IsReset = false;
        DeclaredLength = null;
        ReceivedLength = 0;
        SendRate.Reset();
        BodyRate.Reset();
        HeadAppended = false;
        _windowWait = null;
        if (!_aborted.TryReset())
        {
            _aborted.Dispose();
            _aborted = new CancellationTokenSource();
        }
        RequestHeaders.Clear();
        _trailers.IsReadOnly = false;
        _trailers.Clear();
        Trailers = _trailers;
        ResetResponse();
        PathBase = "";
        QueryString = "";
    }

    /// <summary>The request line from the pseudo-header fields; false when :path is not a path.</summary>
    internal bool SetTarget(string method, string scheme, string path)
    {
        Method = method;
        Scheme = scheme;
        RawTarget = path;
        if (path == "*" && method == HttpMethods.Options)
        {
            Path = "";
            QueryString = "";
            return true;
        }
        if (path[0] != '/' || path.Contains('#'))
        {
            return false; // A fragment is never part of a request target (RFC 9113 §8.3.1, RFC 3986 §3.5).
        }
        var query = path.IndexOf('?');
        var pathPart = query < 0 ? path : path[..query];
        Path = RequestPath.Decode(pathPart);
        QueryString = query < 0 ? "" : path[query..];
        return true;
    }

    /// <summary>The header block is read: the request is ready to serve.</summary>
    internal void Ready(bool endStream)
    {
        RemoteEnded = endStream;
        CanHaveBody = !endStream;
        // The declared length, Expect and the gRPC type concern only a body: a request that ended with its
        // head (most) looks none of them up. No DATA can follow it, so no length is checked against.
        DeclaredLength = endStream ? null : RequestHeaders.ContentLength;
        RequestBody.Begin(hasBody: !endStream);
        RequestBody.ExpectsContinue = !endStream
            && string.Equals(((IHeaderDictionary)RequestHeaders).Expect.ToString(), "100-continue", StringComparison.OrdinalIgnoreCase);
        BodyRateApplies = !endStream
            && !((IHeaderDictionary)RequestHeaders).ContentType.ToString().StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
        Writer.Begin(RequestMethods.IsHead(Method));
        _features.ResetFor(Context);
    }

    /// <summary>
    /// Serves the request, then ends the stream. Not async: the stream, kept for the connection's next
    /// requests, is itself the continuation of the request path, where an async method would be a new
    /// state machine for every request that waits (every forwarded one).
    /// </summary>
    internal void Run(MeshProxy proxy)
    {
        ValueTask handling;
        try
        {
#pragma warning disable CA2012 // Held to be consumed once: at once when complete, else when it completes.
            handling = proxy.HandleAsync(Context);
#pragma warning restore CA2012
        }
        catch (Exception e)
        {
            handling = ValueTask.FromException(e);
        }
        if (handling.IsCompleted)
        {
            Handled(handling);
            return;
        }
        _handling = handling;
        handling.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_handled);
    }

    private void OnHandled()
    {
        var handling = _handling;
        _handling = default;
        Handled(handling);
    }

    private void Handled(ValueTask handling)
    {
        try
        {
            handling.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Connection.RequestFailed(e);
            if (HasStarted)
            {
                Connection.Reset(this, Http2ErrorCode.InternalError);
            }
            else
            {
                FailWith500();
            }
        }
        _ = EndAsync(); // Its faults are caught within.
    }

    /// <summary>Ends the answer and the stream; without waiting (no state machine) when the answer is written at once.</summary>
    private async Task EndAsync()
    {
        try
        {
            await Writer.EndAsync().ConfigureAwait(false);
            await RunOnCompletedAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Connection.RequestFailed(e);
            Connection.Reset(this, Http2ErrorCode.InternalError);
        }
        finally
        {
            Connection.StreamEnded(this);
        }
    }

    /// <summary>Sends the answer the connection set (a refusal) without running the request path, then ends the stream.</summary>
    internal async Task EndUnservedAsync()
    {
        try
        {
            await Writer.EndAsync().ConfigureAwait(false);
        }
        finally
        {
            Connection.StreamEnded(this);
        }
    }

    /// <summary>As for HTTP/1.1, and no trailers either.</summary>
    internal override void FailWith500()
    {
        base.FailWith500();
        Trailers.Clear();
    }

    protected override void DiscardPendingBody() => Writer.DiscardPending();

    /// <summary>The stream was reset (by either side) or its connection ended: the request path sees RequestAborted.</summary>
    internal void MarkReset()
    {
        IsReset = true;
        LocalEnded = true;
        RemoteEnded = true;
    }

    internal void Abort(Exception reason)
    {
        RequestBody.End(reason);
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        WakeWindowWaiter();
    }

    /// <summary>
    /// Under the output lock: a task that completes when the client gives more window (or the stream ends).
    /// Its continuation runs on the pool, not inline on the reading loop that handles the WINDOW_UPDATE.
    /// </summary>
    internal Task WaitForWindowLocked() => (_windowWait ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The interim 100 (Continue) answer, on the request path's first read of a body the client holds back for it.</summary>
    internal void SendContinue()
    {
        Span<byte> block = stackalloc byte[8];
        HpackEncoder.TryWriteStatus(StatusCodes.Status100Continue, block, out var written);
        var output = Connection.Output;
        lock (output.Sync)
        {
            if (IsReset || HeadAppended)
            {
                return;
            }
            output.AppendHeaderBlock(Id, block[..written], endStream: false);
        }
        output.FlushInBackground();
    }

    internal void WakeWindowWaiter()
    {
        var wait = Interlocked.Exchange(ref _windowWait, null);
        wait?.TrySetResult();
    }

    protected override Stream RequestBodyStream => RequestBody;

    protected override PipeWriter BodyWriter => Writer;

    public bool CanHaveBody { get; private set; }

    public override bool HasStarted => Writer.HeadSent;

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary(); // Replaced by the pooled one in Begin.

    public override Task StartAsync(CancellationToken cancellationToken = default) => Writer.StartAsync(cancellationToken);

    // Lifetime: aborting a request resets its stream only (as Kestrel does), not the connection.
    public CancellationToken RequestAborted { get => _aborted.Token; set => throw new NotSupportedException(); }
    public void Abort() => Connection.Reset(this, Http2ErrorCode.InternalError);

    public void Reset(int errorCode) => Connection.Reset(this, (Http2ErrorCode)errorCode);
}
