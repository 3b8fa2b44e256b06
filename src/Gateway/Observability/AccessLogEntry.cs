using System.Globalization;
using System.Text.Json;
using Mesh.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Observability;

/// <summary>One access-log line: what was asked, of which Service, how routing and forwarding answered.</summary>
public sealed record AccessLogEntry(
    DateTimeOffset Time,
    string? Client,
    string Method,
    string Authority,
    string Path,
    string Protocol,
    int Status,
    double DurationMs,
    string? Service,
    string? Route,
    string? Backend,
    string? Endpoint,
    int Attempts,
    long Bytes)
{
    /// <summary>Captures a finished request; its context is recycled after this, so everything is copied now.</summary>
    public static AccessLogEntry Of(HttpContext context, RequestLabels labels, long bytes, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(labels);
        var target = RequestTarget.From(context);
        var client = context.Connection.RemoteIpAddress;
        if (client?.IsIPv4MappedToIPv6 == true)
        {
            client = client.MapToIPv4();
        }
        return new AccessLogEntry(
            DateTimeOffset.UtcNow - elapsed,
            client?.ToString(),
            context.Request.Method,
            target.Authority,
            target.PathAndQuery,
            context.Request.Protocol,
            context.Response.StatusCode,
            elapsed.TotalMilliseconds,
            NullIfEmpty(labels.Service),
            NullIfEmpty(labels.Route),
            NullIfEmpty(labels.Backend),
            labels.Endpoint?.ToString(),
            labels.Attempts,
            bytes);
    }

    public void WriteJson(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("client", Client);
        json.WriteString("method", Method);
        json.WriteString("authority", Authority);
        json.WriteString("path", Path);
        json.WriteString("protocol", Protocol);
        json.WriteNumber("status", Status);
        json.WriteNumber("durationMs", Math.Round(DurationMs, 3));
        json.WriteString("service", Service);
        json.WriteString("route", Route);
        json.WriteString("backend", Backend);
        json.WriteString("endpoint", Endpoint);
        json.WriteNumber("attempts", Attempts);
        json.WriteNumber("bytes", Bytes);
        json.WriteEndObject();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
