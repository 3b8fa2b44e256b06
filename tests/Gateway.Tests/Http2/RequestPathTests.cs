using Mesh.Gateway.Front.Http2;

namespace Mesh.Gateway.Tests.Http2;

/// <summary>An HTTP/2 request's Path is decoded and normalised the way Kestrel does it, so routes match alike over both fronts.</summary>
public class RequestPathTests
{
    [Theory]
    [InlineData("/plain/path", "/plain/path")]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/caf%C3%A9", "/café")]
    [InlineData("/caf%c3%a9", "/café")]
    [InlineData("/a%2Fb", "/a%2Fb")] // A decoded slash would split a segment: kept encoded.
    [InlineData("/a%2fb", "/a%2fb")]
    [InlineData("/bad%FFbyte", "/bad%FFbyte")] // Not UTF-8: left as written.
    [InlineData("/half%C3", "/half%C3")]
    [InlineData("/mixed%FF%C3%A9", "/mixed%FFé")]
    [InlineData("/100%", "/100%")]
    [InlineData("/%zz", "/%zz")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/a/b/.", "/a/b/")]
    [InlineData("/../../x", "/x")]
    [InlineData("/a/%2E%2E/b", "/b")] // Decoded first, then normalised.
    [InlineData("/a/..b/c", "/a/..b/c")]
    [InlineData("/file.txt", "/file.txt")]
    public void Decodes_and_normalises_as_Kestrel_does(string raw, string expected) => Assert.Equal(expected, RequestPath.Decode(raw));

    [Fact]
    public void A_long_run_of_encoded_characters_is_decoded_whole()
    {
        var raw = "/" + string.Concat(Enumerable.Repeat("%E4%B8%AD", 300));

        Assert.Equal("/" + new string('中', 300), RequestPath.Decode(raw));
    }

    [Fact]
    public void A_path_with_nothing_to_decode_is_the_same_string() =>
        Assert.Same("/no/escapes", RequestPath.Decode(string.Intern("/no/escapes")));
}
