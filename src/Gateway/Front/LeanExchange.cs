using Mesh.Gateway.Forwarding;
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
internal sealed class LeanExchange : ExchangeFeatures, IHttpRequestLifetimeFeature, IHttpRequestBodyDetectionFeature, IOwnFeatures
{
    public static Type[] OwnFeatureTypes { get; } =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IHttpConnectionFeature),
        typeof(IHttpRequestLifetimeFeature), typeof(IHttpRequestBodyDetectionFeature),
    ];

    private readonly LeanConnection _connection;
    private readonly LeanFeatures<LeanExchange> _features;

    public LeanExchange(LeanConnection connection, IPEndPoint local, IPEndPoint remote)
        : base("HTTP/1.1", connection.Id, local, remote)
    {
        _connection = connection;
        _features = new LeanFeatures<LeanExchange>(this);
        Writer = new LeanResponseWriter(connection, this);
        RequestBody = new LeanRequestBody(connection);
        Context = new DefaultHttpContext(_features);
    }

    public DefaultHttpContext Context { get; }

    internal LeanRequestBody RequestBody { get; }

    internal LeanResponseWriter Writer { get; }

    /// <summary>Readies the exchange for a request whose head was just parsed into it.</summary>
    internal void Begin(long? contentLength)
    {
        RequestBody.Begin(contentLength ?? 0);
        ResetResponse();
        Writer.Begin(RequestMethods.IsHead(Method));
        _features.ResetFor(Context);
    }

    protected override void DiscardPendingBody() => Writer.DiscardPending();

    protected override Stream RequestBodyStream => RequestBody;

    protected override PipeWriter BodyWriter => Writer;

    public bool CanHaveBody => RequestBody.Length > 0;

    public override bool HasStarted => Writer.HeadSent;

    public override Task StartAsync(CancellationToken cancellationToken = default) => Writer.StartAsync(cancellationToken);

    // Lifetime.
    public CancellationToken RequestAborted { get => _connection.Aborted; set => throw new NotSupportedException(); }
    public void Abort() => _connection.Abort();
}
