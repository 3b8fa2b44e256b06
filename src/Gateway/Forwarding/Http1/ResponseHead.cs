namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>How the end of a response body is found (RFC 9112 §6.3).</summary>
internal enum BodyFraming
{
    None,
    ContentLength,
    Chunked,
    UntilClose,
}

/// <summary>The status line and header fields of one upstream response, as read; reused per connection.</summary>
internal sealed class ResponseHead
{
    public int Status { get; set; }

    /// <summary>True for an HTTP/1.0 answer: it ends its connection.</summary>
    public bool IsHttp10 { get; set; }

    /// <summary>Header fields in the order received, names as sent (common ones interned).</summary>
    public List<KeyValuePair<string, string>> Fields { get; } = [];

    public long? ContentLength { get; set; }

    public bool Chunked { get; set; }

    /// <summary>A Transfer-Encoding other than chunked last: the body runs until the connection closes.</summary>
    public bool OtherTransferCoding { get; set; }

    /// <summary>The Connection header's value, when there is one: its options name per-hop headers to drop.</summary>
    public string? Connection { get; set; }

    public bool ConnectionClose { get; set; }

    public void Clear()
    {
        Status = 0;
        IsHttp10 = false;
        Fields.Clear();
        ContentLength = null;
        Chunked = false;
        OtherTransferCoding = false;
        Connection = null;
        ConnectionClose = false;
    }

    /// <summary>The body's framing for a response to <paramref name="isHead"/> (RFC 9112 §6.3 in its order).</summary>
    public BodyFraming Framing(bool isHead)
    {
        if (isHead || Status is 204 or 304 || Status < 200)
        {
            return BodyFraming.None;
        }
        if (Chunked)
        {
            return BodyFraming.Chunked;
        }
        if (OtherTransferCoding)
        {
            return BodyFraming.UntilClose;
        }
        if (ContentLength is { } length)
        {
            return length == 0 ? BodyFraming.None : BodyFraming.ContentLength;
        }
        return BodyFraming.UntilClose;
    }

    /// <summary>Whether the connection can carry another request once this response's body has been read.</summary>
    public bool KeepsConnection(bool isHead) => !ConnectionClose && !IsHttp10 && Framing(isHead) != BodyFraming.UntilClose;
}
