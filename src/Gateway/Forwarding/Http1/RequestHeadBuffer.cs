using System.Net;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The bytes of one request head, written field by field into a buffer that a connection keeps and
/// reuses. Refuses what would let a header smuggle another line or request upstream (<see cref="SendableText"/>)
/// with <see cref="UnsendableRequestException"/>.
/// </summary>
internal sealed class RequestHeadBuffer
{
    private const int MaxHeadBytes = 1 << 20;

    private byte[] _bytes = new byte[4 * 1024];
    private int _length;

    public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, _length);

    public void Reset() => _length = 0;

    public void RequestLine(string method, string pathAndQuery)
    {
        Text(method);
        Byte((byte)' ');
        if (pathAndQuery.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw Invalid("a space, control or non-ASCII character in its target");
        }
        Narrow(pathAndQuery); // Checked just above, more strictly than Text would.
        Ascii(" HTTP/1.1\r\n"u8);
    }

    public void Field(string name, string? value)
    {
        Text(name);
        Ascii(": "u8);
        Text(value ?? "");
        Ascii("\r\n"u8);
    }

    /// <summary>A field received more than once, sent as one line: its values joined by <paramref name="separator"/>.</summary>
    public void Field(string name, Microsoft.Extensions.Primitives.StringValues values, string separator)
    {
        Text(name);
        Ascii(": "u8);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Text(separator);
            }
            Text(values[i] ?? "");
        }
        Ascii("\r\n"u8);
    }

    /// <summary>A field whose value is an earlier hop's list with <paramref name="address"/> appended: X-Forwarded-For.</summary>
    public void FieldAppending(string name, string prior, IPAddress address)
    {
        Text(name);
        Ascii(": "u8);
        if (prior.Length > 0)
        {
            Text(prior);
            Ascii(", "u8);
        }
        Ensure(64);
        if (!address.TryFormat(_bytes.AsSpan(_length), out var written))
        {
            throw Invalid("an unformattable client address");
        }
        _length += written;
        Ascii("\r\n"u8);
    }

    public void Field(string name, long value)
    {
        Text(name);
        Ascii(": "u8);
        Ensure(20);
        value.TryFormat(_bytes.AsSpan(_length), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _length += written;
        Ascii("\r\n"u8);
    }

    public void End() => Ascii("\r\n"u8);

    public void Ascii(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Byte(byte value)
    {
        Ensure(1);
        _bytes[_length++] = value;
    }

    /// <summary>The text as bytes, checked and narrowed a vector at a time.</summary>
    private void Text(string text)
    {
        if (SendableText.Problem(text) is { } problem)
        {
            throw Invalid(problem);
        }
        Narrow(text);
    }

    /// <summary>ASCII text already checked, as bytes.</summary>
    private void Narrow(string text)
    {
        Ensure(text.Length);
        System.Text.Ascii.FromUtf16(text, _bytes.AsSpan(_length, text.Length), out _);
        _length += text.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _bytes.Length)
        {
            return;
        }
        if (_length + more > MaxHeadBytes)
        {
            throw Invalid("more than 1 MiB of header fields");
        }
        Array.Resize(ref _bytes, Math.Min(MaxHeadBytes, Math.Max(_bytes.Length * 2, _length + more)));
    }

    private static UnsendableRequestException Invalid(string what) => new($"the request has {what} in its head");
}
