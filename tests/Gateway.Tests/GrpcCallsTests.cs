using Mesh.Gateway.Forwarding;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Tests;

public class GrpcCallsTests
{
    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC+json", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/grpc-web+proto", false)]
    [InlineData("application/grpc-web-text", false)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Only_gRPC_content_types_are_gRPC_calls_and_gRPC_Web_is_not(string? contentType, bool grpc)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;

        Assert.Equal(grpc, GrpcCalls.IsGrpc(context.Request));
    }
}
