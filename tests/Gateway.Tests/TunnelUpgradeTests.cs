using Mesh.Gateway.Forwarding;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Tests;

public class TunnelUpgradeTests
{
    [Theory]
    [InlineData("websocket", "websocket")]
    [InlineData("h2c", null)]
    [InlineData("H2C/1.0", null)]
    [InlineData("h2c, websocket", "websocket")]
    [InlineData(" websocket ,\th2c,  foo/2 ", "websocket, foo/2")]
    [InlineData("h2, h2cx", "h2, h2cx")]
    [InlineData(", ,", null)]
    [InlineData("", null)]
    public void Every_protocol_but_h2c_is_passed_on(string upgrade, string? passed) =>
        Assert.Equal(passed, TunnelUpgrade.Protocols(upgrade));

    [Fact]
    public void Protocols_of_several_Upgrade_lines_are_read_in_order() =>
        Assert.Equal("a, b", TunnelUpgrade.Protocols(new StringValues(["a, h2c", "h2c", "b"])));
}
