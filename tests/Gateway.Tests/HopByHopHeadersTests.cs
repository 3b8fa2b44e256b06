using Mesh.Gateway.Forwarding;

namespace Mesh.Gateway.Tests;

public class HopByHopHeadersTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("PROXY-CONNECTION")]
    [InlineData("Proxy-Authenticate")]
    [InlineData("Proxy-Authorization")]
    [InlineData("te")]
    [InlineData("Trailer")]
    [InlineData("transfer-encoding")]
    [InlineData("Upgrade")]
    [InlineData("http2-settings")]
    [InlineData("Host")]
    [InlineData(":authority")]
    [InlineData(":path")]
    public void Connection_scoped_headers_are_hop_by_hop(string name) => Assert.True(HopByHopHeaders.IsHopByHop(name));

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("Content-Type")]
    [InlineData("Trailers")]
    [InlineData("Hosts")]
    [InlineData("X-Upgrade")]
    [InlineData("traceparent")]
    [InlineData("")]
    public void End_to_end_headers_are_not(string name) => Assert.False(HopByHopHeaders.IsHopByHop(name));

    [Theory]
    [InlineData("X-Hop", "X-Hop", true)]
    [InlineData("keep-alive, x-hop", "X-Hop", true)]
    [InlineData("close,X-Other ,  x-hop  ", "X-HOP", true)]
    [InlineData("keep-alive", "X-Hop", false)]
    [InlineData("Keep-Alive", "keep-alive", true)]
    [InlineData("keep-alive", "Keep-Alive", true)]
    [InlineData("keep-alive", "keep-alivE", true)]
    [InlineData("keep-alive", "close", false)]
    [InlineData("X-Hopper", "X-Hop", false)]
    [InlineData("", "X-Hop", false)]
    [InlineData(null, "X-Hop", false)]
    public void Headers_a_Connection_header_names_are_hop_by_hop(string? connection, string name, bool expected) =>
        Assert.Equal(expected, HopByHopHeaders.IsNamedBy(connection, name));
}
