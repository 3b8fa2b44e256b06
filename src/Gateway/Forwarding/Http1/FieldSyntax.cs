using System.Buffers;
using System.Text;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The grammar of one HTTP/1.1 header field line (RFC 9112 §5, RFC 9110 §5.5), shared by the reader of
/// upstream answers and the lean front's reader of client requests: what each accepts is then the same.
/// </summary>
internal static class FieldSyntax
{
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>What a field value may hold here: visible ASCII, spaces and tabs.</summary>
    private static readonly SearchValues<byte> ValueBytes = SearchValues.Create(ValueByteSet());

    /// <summary>RFC 9110 token characters, at least one.</summary>
    public static bool IsToken(ReadOnlySpan<byte> bytes) => !bytes.IsEmpty && bytes.IndexOfAnyExcept(TokenBytes) < 0;

    /// <summary>
    /// Splits "name: value" into the name and the value without its surrounding whitespace. False when the
    /// name is missing or not a token (whitespace before the colon, obsolete line folding), or the value
    /// holds anything but visible ASCII, spaces and tabs (no controls, no obs-text).
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var colon = line.IndexOf((byte)':');
        name = colon < 0 ? default : line[..colon];
        value = colon < 0 ? default : line[(colon + 1)..].Trim(" \t"u8);
        return IsToken(name) && value.IndexOfAnyExcept(ValueBytes) < 0;
    }

    /// <summary>
    /// A Content-Length value: decimal digits only (no sign, no spaces; RFC 9110 §8.6), leading zeros
    /// allowed, at most 18 significant ones so the number cannot overflow.
    /// </summary>
    public static bool TryParseLength(ReadOnlySpan<byte> digits, out long length)
    {
        length = 0;
        if (digits.IsEmpty)
        {
            return false;
        }
        var significant = digits.IndexOfAnyExcept((byte)'0');
        digits = significant < 0 ? digits[^1..] : digits[significant..];
        if (digits.Length > 18)
        {
            return false;
        }
        foreach (var digit in digits)
        {
            if (!char.IsAsciiDigit((char)digit))
            {
                return false;
            }
            length = (length * 10) + (digit - '0');
        }
        return true;
    }

    private static byte[] ValueByteSet()
    {
        var bytes = new List<byte> { (byte)'\t' };
        for (var b = 0x20; b < 0x7F; b++)
        {
            bytes.Add((byte)b);
        }
        return [.. bytes];
    }

    /// <summary>The name as a string: one of <paramref name="common"/> (matched in any case) without allocating, else a new one.</summary>
    public static string NameOf(ReadOnlySpan<byte> name, CommonFieldNames common, out bool isCommon)
    {
        var known = common.Find(name);
        isCommon = known is not null;
        return known ?? Encoding.ASCII.GetString(name);
    }

    /// <summary>
    /// The value as a string: of a common field (its name one of the interned strings), one read before when
    /// the bytes repeat (<see cref="FieldValueCache"/>), since a peer sends most of its fields alike every time;
    /// else a new one.
    /// </summary>
    public static string ValueOf(ReadOnlySpan<byte> value, string name, bool commonName) =>
        commonName ? FieldValueCache.Get(name, value) : value.IsEmpty ? "" : Encoding.ASCII.GetString(value);
}
