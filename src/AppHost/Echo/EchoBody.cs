using System.Buffers;
using System.Text.Json;
using Mesh.AppHost.LocalApi.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.AppHost.Echo;

/// <summary>
/// The JSON the echo answers with: <c>{"method","path","host","proto","headers":{name:[values]},"namespace","pod"}</c>.
/// Header names are lowercased (as HTTP/2 sends them) so both protocols report them alike.
/// </summary>
internal static class EchoBody
{
    public static byte[] Serialize(HttpContext context, string ns, string pod)
    {
        var request = context.Request;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonBytes.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("method", request.Method);
            writer.WriteString("path", Target(context));
            writer.WriteString("host", request.Host.Value ?? "");
            writer.WriteString("proto", request.Protocol);
            writer.WriteStartObject("headers");
            foreach (var (name, values) in request.Headers)
            {
                writer.WriteStartArray(name.ToLowerInvariant());
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteString("namespace", ns);
            writer.WriteString("pod", pod);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // The request target exactly as received (undecoded, with its query); absolute-form reduced to path and query.
    private static string Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return context.Request.Path.Value + context.Request.QueryString.Value;
        }
        return !raw.StartsWith('/') && Uri.TryCreate(raw, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : raw;
    }
}
