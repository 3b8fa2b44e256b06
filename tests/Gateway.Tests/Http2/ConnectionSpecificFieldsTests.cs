using System.Text;
using Mesh.Gateway.Front.Http2;

namespace Mesh.Gateway.Tests.Http2;

/// <summary>The fields RFC 9113 §8.2.2 keeps out of HTTP/2: refused in requests, dropped from answers.</summary>
public class ConnectionSpecificFieldsTests
{
    [Theory]
    [InlineData("connection")]
    [InlineData("keep-alive")]
    [InlineData("proxy-connection")]
    [InlineData("transfer-encoding")]
    [InlineData("upgrade")]
    public void Request_names_as_sent_are_connection_specific(string name) => Assert.True(ConnectionSpecificFields.Contains(Encoding.ASCII.GetBytes(name)));

    [Theory]
    [InlineData("te")]
    [InlineData("connections")]
    [InlineData("x-upgrade")]
    [InlineData("Connection")] // Uppercase makes a request malformed on its own account, not this one's.
    public void Other_request_names_are_not(string name) => Assert.False(ConnectionSpecificFields.Contains(Encoding.ASCII.GetBytes(name)));

    [Theory]
    [InlineData("Connection", true)]
    [InlineData("KEEP-ALIVE", true)]
    [InlineData("Transfer-Encoding", true)]
    [InlineData("Upgrade", true)]
    [InlineData("Proxy-Connection", true)]
    [InlineData("Content-Length", false)]
    [InlineData("Trailer", false)]
    public void Answer_names_match_in_any_case(string name, bool expected) => Assert.Equal(expected, ConnectionSpecificFields.Contains(name));
}
