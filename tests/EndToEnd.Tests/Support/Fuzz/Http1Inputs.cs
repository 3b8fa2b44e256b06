using Mesh.TestSupport.Fuzz;

namespace Mesh.EndToEnd.Tests.Support.Fuzz;

/// <summary>
/// HTTP/1.1 requests broken at random: a valid request of one of many shapes, then one to four mutations
/// (bytes replaced, inserted, deleted or repeated; tokens that parsers trip on spliced in; the end cut off).
/// </summary>
public static class Http1Inputs
{
    private static readonly string[] Seeds =
    [
        "GET / HTTP/1.1\r\nHost: smiley.faces\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: smiley.faces\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: smiley.faces\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "GET http://smiley.faces/a/b?c=d&e HTTP/1.1\r\nHost: smiley.faces\r\n\r\n",
        "CONNECT smiley.faces:80 HTTP/1.1\r\nHost: smiley.faces:80\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: smiley.faces\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: smiley.faces\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        "PUT /x HTTP/1.1\r\nHost: smiley.faces\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /1 HTTP/1.1\r\nHost: smiley.faces\r\n\r\nGET /2 HTTP/1.1\r\nHost: smiley.faces\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET /p?q=1 HTTP/1.1\r\nHost: smiley.faces\r\nCookie: a=b\r\nCookie: c=d\r\nX-Forwarded-For: 10.0.0.1\r\nTE: trailers\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n",
        "DELETE /x HTTP/1.1\r\nHost: color.colors\r\nContent-Length: 0\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: smiley.faces\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];

    private static readonly string[] Tokens =
    [
        "\r\n", "\n", "\r", "\0", " ", "\t", ":", ";", ",", "\"", "%", "%00", "%2f", "/../", "//", "?", "#", "@", "\x7f", "\u00ff",
        "\r\n\r\n", "HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "0\r\n\r\n", "ffffffffffffffff\r\n", "chunked", "gzip, chunked",
        "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: identity\r\n", "Transfer-Encoding : chunked\r\n",
        "Content-Length: 0\r\n", "Content-Length: 18446744073709551616\r\n", "Content-Length: 5, 5\r\n", "Content-Length: +5\r\n",
        "Host: other.example\r\n", "Host: \r\n", "Host: smiley.faces:99999\r\n", "Host: [::1\r\n", "Expect: 100-continue\r\n",
        "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n", "Connection: close\r\n",
        " folded\r\n", "\r\n continued", "X-Empty:\r\n", ":authority: x\r\n", "GET", "CONNECT ", "*",
    ];

    /// <summary>The bytes of one broken request, chosen by <paramref name="random"/>.</summary>
    public static byte[] Next(Random random) => ByteMutations.Apply(Seeds[random.Next(Seeds.Length)], Tokens, random);
}
