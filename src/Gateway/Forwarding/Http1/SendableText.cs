using System.Buffers;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// What a request head may carry upstream: ASCII but CR, LF and NUL, which would end a line or the head
/// early, as SocketsHttpHandler allows. Both upstream clients check with it, so a client's header that cannot be
/// sent is the client's 400, never an endpoint's 502.
/// </summary>
internal static class SendableText
{
    private static readonly SearchValues<char> SafeChars = SearchValues.Create(
        string.Concat(Enumerable.Range(1, 0x7F).Select(c => (char)c).Where(c => c is not ('\r' or '\n'))));

    /// <summary>Null when <paramref name="text"/> can be sent; else what cannot ("a non-ASCII character").</summary>
    public static string? Problem(ReadOnlySpan<char> text)
    {
        // Printable ASCII first, a range check; the set (tabs and other controls allowed) only when that fails.
        if (!text.ContainsAnyExceptInRange(' ', (char)0x7F) || !text.ContainsAnyExcept(SafeChars))
        {
            return null;
        }
        return text.ContainsAnyExceptInRange('\0', (char)0x7F) ? "a non-ASCII character" : "a line break or NUL";
    }
}
