using Mesh.Gateway.Forwarding;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Tests;

public sealed class RequestMethodsTests
{
    [Theory]
    [InlineData("HEAD", true)]
    [InlineData("head", false)]
    [InlineData("HEaD", false)]
    [InlineData("GET", false)]
    public void Only_HEAD_spelled_so_is_HEAD(string method, bool isHead) => Assert.Equal(isHead, RequestMethods.IsHead(method));

    [Theory]
    [InlineData("POST", true)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    [InlineData("post", false)]
    [InlineData("GET", false)]
    public void POST_PUT_and_PATCH_expect_content(string method, bool expects) => Assert.Equal(expects, RequestMethods.ExpectsContent(method));

    [Fact]
    public void A_standard_method_spelled_otherwise_goes_upstream_as_received()
    {
        Assert.Same(HttpMethod.Get, RequestMethods.ToHttpMethod("GET"));
        Assert.Equal("get", RequestMethods.ToHttpMethod("get").Method);
        Assert.Equal("PURGE", RequestMethods.ToHttpMethod("PURGE").Method);
    }

    [Fact]
    public void Only_exact_spellings_are_interned()
    {
        Assert.Same(HttpMethods.Options, RequestMethods.Interned(new string("OPTIONS".AsSpan())));
        Assert.Equal("options", RequestMethods.Interned("options"));
    }
}
