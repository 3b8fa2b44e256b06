using System.Text;
using Mesh.Grains.Validation;

namespace Mesh.Gateway.Front;

/// <summary>
/// What a response field may hold on the wire, in either protocol, as Kestrel allows it: a name of visible ASCII
/// without ':', a value of visible ASCII, spaces and tabs. Checked and narrowed to bytes a vector at a time, since
/// every response passes a few hundred of these characters.
/// </summary>
internal static class ResponseFieldChars
{
    /// <summary>Writes <paramref name="name"/> as bytes, in lowercase when asked (HTTP/2); <paramref name="destination"/> holds at least its length.</summary>
    /// <exception cref="InvalidOperationException">The name is empty or holds a character outside its set.</exception>
    public static void CopyName(string name, Span<byte> destination, bool lowercase)
    {
        if (name.Length == 0)
        {
            throw new InvalidOperationException("Invalid empty response header name.");
        }
        if (name.AsSpan().ContainsAnyExceptInRange('!', '~') || name.Contains(':'))
        {
            throw new InvalidOperationException($"Invalid character in response header name '{name}'.");
        }
        _ = lowercase ? Ascii.ToLower(name, destination, out _) : Ascii.FromUtf16(name, destination, out _);
    }

    /// <summary>Writes <paramref name="value"/> as bytes; <paramref name="destination"/> holds at least its length.</summary>
    /// <exception cref="InvalidOperationException">The value holds a control or non-ASCII character.</exception>
    public static void CopyValue(string value, Span<byte> destination)
    {
        var invalid = GatewayApiValidation.FirstNotInFieldValue(value);
        if (invalid >= 0)
        {
            throw new InvalidOperationException($"Invalid non-ASCII or control character in header: 0x{(int)value[invalid]:X4}.");
        }
        Ascii.FromUtf16(value, destination, out _);
    }
}
