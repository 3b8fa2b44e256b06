using Mesh.Gateway.Forwarding;
using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mesh.Gateway.Front.Http2;

/// <summary>
/// Turns a decoded request header block into a stream's request, checking it as RFC 9113 §8.2-§8.3 asks:
/// lowercase names, pseudo-header fields first and once each, no connection-specific fields, values
/// without line breaks or NUL or surrounding whitespace. A block that breaks a rule is still decoded to
/// its end (the decoder's table must stay in step with the client's) and then its stream is refused.
/// One per connection; field values repeated from its previous request reuse that request's strings.
/// </summary>
internal sealed class Http2RequestHeadReader : IHpackFieldSink
{
    /// <summary>Request field names of the HPACK static table (RFC 7541 Appendix A), in the casing ASP.NET Core gives them.</summary>
    private static readonly string?[] StaticNames = BuildStaticNames();

    /// <summary>Kestrel's MaxRequestHeaderCount, which it applies to HTTP/2 too: beyond it, 431.</summary>
    public const int MaxFields = 100;

    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"u8);

    /// <summary>A method is a token (RFC 9110 §9.1), in any case.</summary>
    private static readonly SearchValues<byte> MethodBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"u8);

    /// <summary>A scheme (RFC 3986 §3.1).</summary>
    private static readonly SearchValues<byte> SchemeBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-."u8);

    private readonly string?[] _lastValueByStaticName = new string?[StaticNames.Length];
    private readonly List<KeyValuePair<string, string>> _lastOtherFields = [];
    private readonly List<KeyValuePair<string, string>> _otherFields = [];
    private Http2Stream? _stream;
    private bool _regularSeen;
    private string? _method;
    private string? _scheme;
    private string? _path;
    private string? _authority;
    private string? _lastPath;
    private string? _lastAuthority;
    private int _fields;

    /// <summary>What was wrong with the block, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>More than <see cref="MaxFields"/> fields: the request is answered 431, as an oversized one is.</summary>
    public bool TooManyFields { get; private set; }

    public void Begin(Http2Stream stream)
    {
        _stream = stream;
        _regularSeen = false;
        _method = _scheme = _path = _authority = null;
        _fields = 0;
        Error = null;
        TooManyFields = false;
        _lastOtherFields.Clear();
        _lastOtherFields.AddRange(_otherFields);
        _otherFields.Clear();
    }

    public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Error is not null || _stream is null || TooManyFields)
        {
            return;
        }
        if (name.IsEmpty)
        {
            Error = "an empty field name";
        }
        else if (name[0] == (byte)':')
        {
            OnPseudoField(name, value);
        }
        else if (++_fields > MaxFields)
        {
            TooManyFields = true; // Regular fields, as Kestrel counts them; this also bounds the work of repeated names.
        }
        else
        {
            _regularSeen = true;
            OnRegularField(staticIndex, name, value);
        }
    }

    private void OnPseudoField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (_regularSeen)
        {
            Error = "a pseudo-header field after a regular field";
            return;
        }
        if (value.IsEmpty || !IsValidPseudoValue(name, value))
        {
            Error = $"an empty or malformed {Encoding.Latin1.GetString(name)}";
            return;
        }
        if (name.SequenceEqual(":method"u8))
        {
            _method = Once(_method, value.SequenceEqual("GET"u8) ? HttpMethods.Get : value.SequenceEqual("POST"u8) ? HttpMethods.Post
                : RequestMethods.Interned(Encoding.Latin1.GetString(value)));
        }
        else if (name.SequenceEqual(":scheme"u8))
        {
            _scheme = Once(_scheme, value.SequenceEqual("http"u8) ? "http" : value.SequenceEqual("https"u8) ? "https" : Encoding.Latin1.GetString(value));
        }
        else if (name.SequenceEqual(":path"u8))
        {
            _path = Once(_path, Reuse(_lastPath, value));
            _lastPath = _path;
        }
        else if (name.SequenceEqual(":authority"u8))
        {
            _authority = Once(_authority, Reuse(_lastAuthority, value));
            _lastAuthority = _authority;
        }
        else
        {
            Error = $"the pseudo-header field {Encoding.Latin1.GetString(name)}, which requests do not have"; // :status, :protocol (not offered), unknown.
        }
    }

    /// <summary>
    /// Pseudo-header values are held to their grammar: they become the upstream request line, where a space
    /// or line break would let a request say one thing to routing and another to the upstream.
    /// </summary>
    private static bool IsValidPseudoValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.SequenceEqual(":method"u8))
        {
            return value.IndexOfAnyExcept(MethodBytes) < 0;
        }
        if (name.SequenceEqual(":scheme"u8))
        {
            return value.IndexOfAnyExcept(SchemeBytes) < 0;
        }
        return value.IndexOfAnyInRange((byte)0, (byte)' ') < 0 && value.IndexOfAnyInRange((byte)0x7f, (byte)0xff) < 0; // :path, :authority
    }

    private string? Once(string? already, string value)
    {
        if (already is not null)
        {
            Error = "a pseudo-header field twice";
        }
        return value;
    }

    private void OnRegularField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.IndexOfAnyExcept(TokenBytes) >= 0)
        {
            Error = "a field name with uppercase letters or characters outside a token";
            return;
        }
        if (value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0 || (!value.IsEmpty && (IsBlank(value[0]) || IsBlank(value[^1]))))
        {
            Error = "a field value with a line break, a NUL, or whitespace at either end";
            return;
        }
        if (ConnectionSpecificFields.Contains(name))
        {
            Error = "a connection-specific field";
            return;
        }
        if (name.SequenceEqual("te"u8) && !value.SequenceEqual("trailers"u8))
        {
            Error = "a TE field other than \"trailers\"";
            return;
        }
        var headers = (IHeaderDictionary)_stream!.RequestHeaders;
        if (staticIndex > 0 && staticIndex < StaticNames.Length && StaticNames[staticIndex] is { } known)
        {
            var text = Reuse(_lastValueByStaticName[staticIndex], value);
            _lastValueByStaticName[staticIndex] = text;
            Add(headers, known, text);
            return;
        }
        var field = ReuseOther(name, value);
        _otherFields.Add(field);
        Add(headers, field.Key, field.Value);
    }

    /// <summary>Split cookie fields are joined with "; " for HTTP/1.1 upstreams (RFC 9113 §8.2.3); other repeats become values.</summary>
    private static void Add(IHeaderDictionary headers, string name, string value)
    {
        if (!headers.TryGetValue(name, out var existing))
        {
            headers[name] = value;
        }
        else if (string.Equals(name, HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase)) // Static or dynamic table, or literal.
        {
            headers[name] = existing.ToString() + "; " + value;
        }
        else
        {
            headers[name] = Microsoft.Extensions.Primitives.StringValues.Concat(existing, value);
        }
    }

    /// <summary>Checks the pseudo-header fields and sets the request's line from them; false (with <see cref="Error"/>) when they do not make a request.</summary>
    public bool Complete()
    {
        var stream = _stream!;
        _stream = null;
        if (Error is not null)
        {
            return false;
        }
        if (_method is null || _scheme is null || string.IsNullOrEmpty(_path))
        {
            Error = _method == HttpMethods.Connect ? "CONNECT, which this front does not tunnel over HTTP/2" : "a missing :method, :scheme or :path";
            return false;
        }
        if (_method == HttpMethods.Connect)
        {
            Error = "CONNECT with :scheme or :path"; // RFC 9113 §8.5: those are extended CONNECT, not offered here.
            return false;
        }
        if (_authority is not null)
        {
            ((IHeaderDictionary)stream.RequestHeaders).Host = _authority; // RFC 9113 §8.3.1: :authority is the target's authority.
        }
        if (!stream.SetTarget(_method, _scheme, _path))
        {
            Error = "a :path that is not an origin-form path";
            return false;
        }
        return true;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    private static string Reuse(string? last, ReadOnlySpan<byte> value) =>
        last is not null && SameText(last, value) ? last : Encoding.Latin1.GetString(value);

    /// <summary>A field whose name the static table lacks: its strings reused from the previous request's field in the same place, when alike.</summary>
    private KeyValuePair<string, string> ReuseOther(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var at = _otherFields.Count;
        if (at < _lastOtherFields.Count && _lastOtherFields[at] is var (lastName, lastValue) && SameText(lastName, name))
        {
            return new(lastName, Reuse(lastValue, value));
        }
        return new(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value));
    }

    private static bool SameText(string text, ReadOnlySpan<byte> bytes)
    {
        if (text.Length != bytes.Length)
        {
            return false;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            if (text[i] != bytes[i])
            {
                return false;
            }
        }
        return true;
    }

    private static string?[] BuildStaticNames()
    {
        var names = new string?[62];
        names[15] = HeaderNames.AcceptCharset;
        names[16] = HeaderNames.AcceptEncoding;
        names[17] = HeaderNames.AcceptLanguage;
        names[18] = HeaderNames.AcceptRanges;
        names[19] = HeaderNames.Accept;
        names[20] = HeaderNames.AccessControlAllowOrigin;
        names[21] = HeaderNames.Age;
        names[22] = HeaderNames.Allow;
        names[23] = HeaderNames.Authorization;
        names[24] = HeaderNames.CacheControl;
        names[25] = HeaderNames.ContentDisposition;
        names[26] = HeaderNames.ContentEncoding;
        names[27] = HeaderNames.ContentLanguage;
        names[28] = HeaderNames.ContentLength;
        names[29] = HeaderNames.ContentLocation;
        names[30] = HeaderNames.ContentRange;
        names[31] = HeaderNames.ContentType;
        names[32] = HeaderNames.Cookie;
        names[33] = HeaderNames.Date;
        names[34] = HeaderNames.ETag;
        names[35] = HeaderNames.Expect;
        names[36] = HeaderNames.Expires;
        names[37] = HeaderNames.From;
        names[38] = HeaderNames.Host;
        names[39] = HeaderNames.IfMatch;
        names[40] = HeaderNames.IfModifiedSince;
        names[41] = HeaderNames.IfNoneMatch;
        names[42] = HeaderNames.IfRange;
        names[43] = HeaderNames.IfUnmodifiedSince;
        names[44] = HeaderNames.LastModified;
        names[45] = HeaderNames.Link;
        names[46] = HeaderNames.Location;
        names[47] = HeaderNames.MaxForwards;
        names[48] = HeaderNames.ProxyAuthenticate;
        names[49] = HeaderNames.ProxyAuthorization;
        names[50] = HeaderNames.Range;
        names[51] = HeaderNames.Referer;
        names[52] = "Refresh";
        names[53] = HeaderNames.RetryAfter;
        names[54] = HeaderNames.Server;
        names[55] = HeaderNames.SetCookie;
        names[56] = HeaderNames.StrictTransportSecurity;
        names[57] = HeaderNames.TransferEncoding;
        names[58] = HeaderNames.UserAgent;
        names[59] = HeaderNames.Vary;
        names[60] = HeaderNames.Via;
        names[61] = HeaderNames.WWWAuthenticate;
        return names;
    }
}
