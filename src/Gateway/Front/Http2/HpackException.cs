namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// A header block HPACK cannot decode (RFC 7541): a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3),
/// unless <see cref="HeaderListTooLarge"/>.
/// </summary>
internal sealed class HpackException(string message, bool headerListTooLarge = false) : Exception(message)
{
    /// <summary>
    /// The block decoded cleanly (the dynamic table is in step with the client's encoder) but its fields add up to more
    /// than SETTINGS_MAX_HEADER_LIST_SIZE: only the stream is refused (431), the connection carries on.
    /// </summary>
    public bool HeaderListTooLarge { get; } = headerListTooLarge;
}
