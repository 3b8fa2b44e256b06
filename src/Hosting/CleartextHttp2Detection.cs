using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Mesh.Hosting;

/// <summary>
/// Serves HTTP/1.1 and h2c (HTTP/2 with prior knowledge) on one cleartext port.
/// </summary>
/// <remarks>
/// Kestrel only negotiates HTTP/2 on a cleartext endpoint when HTTP/1.1 is disabled, because without
/// TLS/ALPN the choice is "ambiguous". A mesh hop must accept both on the same port, so this connection
/// middleware peeks at the first bytes: the HTTP/2 client preface selects HTTP/2 by presenting Kestrel
/// with an ALPN result of "h2", anything else stays HTTP/1.1. Nothing is consumed from the stream.
/// Requires <see cref="KestrelServerOptions.AllowAlternateSchemes"/> so the h2 ":scheme: http"
/// pseudo-header is accepted on such a connection.
/// </remarks>
public static class CleartextHttp2Detection
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>
    /// Kestrel warns at start-up that HTTP/2 is off on a cleartext Http1AndHttp2 endpoint, which this
    /// detection makes untrue. The warning has its own category only by name, so that category is
    /// raised to Error; Kestrel's connection-level categories are unaffected.
    /// </summary>
    public static ILoggingBuilder SuppressCleartextHttp2Warning(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);

    /// <summary>Configures the endpoint for HTTP/1.1 and h2c on the same cleartext port.</summary>
    public static ListenOptions UseHttp1AndH2c(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.KestrelServerOptions.AllowAlternateSchemes = true;
        listen.Use(next => async connection =>
        {
            if (await StartsWithHttp2PrefaceAsync(connection).ConfigureAwait(false))
            {
                connection.Features.Set<ITlsConnectionFeature>(NegotiatedH2.Instance);
                connection.Features.Set<ITlsApplicationProtocolFeature>(NegotiatedH2.Instance);
            }
            await next(connection).ConfigureAwait(false);
        });
        return listen;
    }

    private static async Task<bool> StartsWithHttp2PrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            var buffer = result.Buffer;
            var verdict = Classify(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                // Examined nothing: the HTTP parser that runs next sees the same bytes at once.
                input.AdvanceTo(buffer.Start);
                return verdict ?? false;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>true: HTTP/2 preface; false: something else; null: too few bytes to tell.</summary>
    internal static bool? Classify(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface.AsSpan(0, length)))
        {
            return false;
        }
        return length == Preface.Length ? true : null;
    }

    /// <summary>Looks like an ALPN "h2" result to Kestrel's protocol selection; there is no TLS.</summary>
    private sealed class NegotiatedH2 : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly NegotiatedH2 Instance = new();

        public ReadOnlyMemory<byte> ApplicationProtocol { get; } = "h2"u8.ToArray();

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }
}
