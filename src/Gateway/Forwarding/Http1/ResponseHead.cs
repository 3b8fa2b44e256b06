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
        if (ContentLength is { } length)
        {
            return length == 0 ? BodyFraming.None : BodyFraming.ContentLength;
        }
        return BodyFraming.UntilClose;
    }

    /// <summary>
    /// Whether the connection can carry another request once this response's body has been read. Not after an answer
    /// framed both by Content-Length and chunked: RFC 9112 §6.3 reads that as a likely response-splitting attempt, and
    /// what the server meant to come next on the connection is anyone's guess.
    /// </summary>
    public bool KeepsConnection(bool isHead) =>
        !ConnectionClose && !IsHttp10 && Framing(isHead) != BodyFraming.UntilClose && !(Chunked && ContentLength is not null);

    /// <summary>
    /// The Content-Length to tell the client: the body's own when it is framed by one, and a HEAD's (which describes a body not sent). Never with chunked framing, which an intermediary must
    /// not pass on alongside it (RFC 9112 §6.3), nor on 1xx and 204, which have no content.
    /// </summary>
    public long? ContentLengthToRelay(bool isHead) => Framing(isHead) switch
    {
        BodyFraming.ContentLength => ContentLength,
        BodyFraming.None when !Chunked && Status >= 200 && Status is not (204 or 304) => ContentLength,
        _ => null,
    };
}
