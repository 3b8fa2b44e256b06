using Mesh.Gateway.Routing;
using Mesh.Gateway.Tables;
using Mesh.Grains.ServiceGrains;
using Mesh.Grains.State;

namespace Mesh.Gateway.Tests;

public class FrontendResolverTests
{
    private static readonly RouteTables Tables = new TableCompiler().Compile(
        new Dictionary<string, Versioned<FrontendFacet>>
        {
            ["faces/smiley"] = new("v1", new FrontendFacet { Namespace = "faces", Name = "smiley", ClusterIP = "127.2.0.7", Ports = [new FrontendPort { Port = 80 }] }),
        },
        new Dictionary<string, Versioned<BackendFacet>>(),
        null);

    [Theory]
    [InlineData("smiley.faces", null)]
    [InlineData("smiley.faces:80", null)]
    [InlineData("smiley.faces.svc", null)]
    [InlineData("SMILEY.faces.svc.cluster.local", null)]
    [InlineData("smiley.faces.svc.cluster.local.", null)]
    [InlineData("127.2.0.7", null)]
    [InlineData("127.2.0.7:80", null)]
    [InlineData("smiley", "faces")]
    public void Finds_the_Service_from_any_cluster_DNS_form_or_its_cluster_IP(string authority, string? clientNamespace)
    {
        Assert.True(Authority.TryParse(authority, out var parsed));
        Assert.Equal("faces/smiley", FrontendResolver.Resolve(Tables, parsed, clientNamespace)?.Key);
    }

    [Theory]
    [InlineData("smiley", null)]
    [InlineData("smiley", "other")]
    [InlineData("smiley.other", null)]
    [InlineData("smiley.faces.svc.elsewhere", null)]
    [InlineData("smiley.faces.svc.cluster", null)]
    [InlineData("smiley.faces.cluster.local", null)]
    [InlineData("smiley..faces", null)]
    [InlineData(".faces", null)]
    [InlineData("faces", "smiley")]
    [InlineData("127.2.0.8", null)]
    public void Does_not_guess(string authority, string? clientNamespace)
    {
        Assert.True(Authority.TryParse(authority, out var parsed));
        Assert.Null(FrontendResolver.Resolve(Tables, parsed, clientNamespace));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("host:0")]
    [InlineData("host:99999")]
    [InlineData("host:port")]
    [InlineData("user@host")]
    [InlineData("[::1")]
    public void Malformed_authorities_are_refused(string authority) => Assert.False(Authority.TryParse(authority, out _));

    [Fact]
    public void The_port_defaults_to_80()
    {
        Assert.True(Authority.TryParse("smiley.faces", out var parsed));
        Assert.Equal(80, parsed.Port);
        Assert.True(Authority.TryParse("[::1]:8080", out var v6));
        Assert.Equal(("::1", 8080), (v6.Host, v6.Port));
    }

    [Theory]
    [InlineData("SMILEY.Faces:8080", "smiley.faces")]
    [InlineData("smiley.faces.", "smiley.faces")]
    [InlineData("[FE80::1%ETH0]", "fe80::1%eth0")]
    public void Hosts_are_compared_in_lowercase(string authority, string host)
    {
        Assert.True(Authority.TryParse(authority, out var parsed));
        Assert.Equal(host, parsed.Host);
    }
}
