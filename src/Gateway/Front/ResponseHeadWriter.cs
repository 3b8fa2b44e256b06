using System.Buffers.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Mesh.Gateway.Front;

/// <summary>
/// Serializes a lean exchange's response head: status line, fields, Date when the answer has none, and
/// the framing, which the writer decides (Content-Length when known, else chunked).
/// </summary>
internal static class ResponseHeadWriter
{
    /// <param name="completeLength">The whole body's length, when the response is complete as its head goes out.</param>
    /// <param name="closes">Whether the connection closes after this response ("Connection: close").</param>
    /// <param name="roomAfter">Bytes the returned buffer keeps free after the head, for the body that goes out with it.</param>
    /// <exception cref="InvalidOperationException">A field holds a character HTTP/1.1 cannot carry (as Kestrel refuses it).</exception>
    public static (byte[] Buffer, int Length) Write(LeanExchange exchange, byte[] buffer, bool isHead, int? completeLength, bool closes,
        int roomAfter, out bool chunked, out long? declaredLength)
    {
        var head = new HeadBuilder(buffer);
        var status = exchange.StatusCode;
        head.Append("HTTP/1.1 "u8);
        head.AppendNumber(status);
        head.Append(" "u8);
        head.AppendAscii(exchange.ReasonPhrase ?? ReasonPhrases.GetReasonPhrase(status));
        head.Append("\r\n"u8);

        var headers = exchange.ResponseHeaders;
        var hasDate = false;
        foreach (var (name, values) in headers)
        {
            if (name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase))
            {
                continue; // The framing and the connection's fate are this writer's to say.
            }
            hasDate |= name.Equals(HeaderNames.Date, StringComparison.OrdinalIgnoreCase);
            foreach (var value in values)
            {
                head.AppendField(name, value ?? "");
            }
        }
        if (!hasDate)
        {
            head.Append(DateHeader.Line);
        }

        chunked = false;
        declaredLength = headers.ContentLength;
        if (status is < 200 or StatusCodes.Status204NoContent)
        {
            declaredLength = null; // Never a length, never a body.
        }
        else if (declaredLength is { } declared)
        {
            head.Append("Content-Length: "u8);
            head.AppendNumber(declared);
            head.Append("\r\n"u8);
        }
        else if (status == StatusCodes.Status304NotModified)
        {
            // No body and, unless the app said one, no length.
        }
        else if (completeLength is { } length && !isHead)
        {
            // Not for HEAD: nothing of a HEAD answer's body is written, so this would say 0 where the GET has a body (RFC 9110 §8.6).
            declaredLength = length;
            head.Append("Content-Length: "u8);
            head.AppendNumber(length);
            head.Append("\r\n"u8);
        }
        else if (!isHead)
        {
            chunked = true;
            head.Append("Transfer-Encoding: chunked\r\n"u8);
        }
        if (closes)
        {
            head.Append("Connection: close\r\n"u8);
        }
        head.Append("\r\n"u8);
        head.Ensure(roomAfter);
        return (head.Buffer, head.Length);
    }

    /// <summary>A growable byte buffer for one head.</summary>
    private ref struct HeadBuilder(byte[] buffer)
    {
        public byte[] Buffer = buffer;
        public int Length;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(Buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void AppendNumber(long value)
        {
            Ensure(20);
            Utf8Formatter.TryFormat(value, Buffer.AsSpan(Length), out var written);
            Length += written;
        }

        public void AppendAscii(string text)
        {
            Ensure(text.Length);
            foreach (var c in text)
            {
                Buffer[Length++] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
            }
        }

        public void AppendField(string name, string value)
        {
            Ensure(name.Length + value.Length + 4);
            ResponseFieldChars.CopyName(name, Buffer.AsSpan(Length), lowercase: false);
            Length += name.Length;
            Buffer[Length++] = (byte)':';
            Buffer[Length++] = (byte)' ';
            ResponseFieldChars.CopyValue(value, Buffer.AsSpan(Length));
            Length += value.Length;
            Buffer[Length++] = (byte)'\r';
            Buffer[Length++] = (byte)'\n';
        }

        public void Ensure(int more)
        {
            if (Length + more <= Buffer.Length)
            {
                return;
            }
            var grown = new byte[Math.Max(Length + more, Math.Max(1024, Buffer.Length * 2))];
            Buffer.AsSpan(0, Length).CopyTo(grown);
            Buffer = grown;
        }
    }
}
