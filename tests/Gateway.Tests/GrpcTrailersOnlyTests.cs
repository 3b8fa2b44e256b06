using System.Net;
using Mesh.Gateway.Forwarding;
using Mesh.Grains.Model;

namespace Mesh.Gateway.Tests;

/// <summary>How HTTP retry codes reach trailers-only gRPC failures.</summary>
public class GrpcTrailersOnlyTests
{
    private static HttpResponseMessage Answer(HttpStatusCode status, string? grpcStatus)
    {
        var response = new HttpResponseMessage(status);
        if (grpcStatus is not null)
        {
            response.Headers.TryAddWithoutValidation("grpc-status", grpcStatus);
        }
        return response;
    }

    [Theory]
    [InlineData("14", 503)] // UNAVAILABLE
    [InlineData("4", 504)] // DEADLINE_EXCEEDED
    [InlineData("8", 429)] // RESOURCE_EXHAUSTED
    [InlineData("13", 500)] // INTERNAL
    [InlineData("2", 500)] // UNKNOWN
    [InlineData("12", 501)] // UNIMPLEMENTED
    [InlineData("0", 200)] // OK
    [InlineData("99", 500)] // Not a defined code
    public void A_trailers_only_answer_counts_as_the_HTTP_status_of_its_grpc_status(string grpcStatus, int expected)
    {
        using var response = Answer(HttpStatusCode.OK, grpcStatus);
        Assert.Equal(expected, GrpcTrailersOnly.EquivalentStatus(response));
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, null, 200)] // Messages follow; grpc-status comes later, as a trailer.
    [InlineData(HttpStatusCode.ServiceUnavailable, "0", 503)] // An HTTP failure stays one.
    [InlineData(HttpStatusCode.OK, "fourteen", 200)]
    public void Anything_else_counts_as_its_own_HTTP_status(HttpStatusCode status, string? grpcStatus, int expected)
    {
        using var response = Answer(status, grpcStatus);
        Assert.Equal(expected, GrpcTrailersOnly.EquivalentStatus(response));
    }

    [Fact]
    public void A_grpc_status_trailer_after_messages_is_never_retried()
    {
        var retry = RetryPolicy.From(new HttpRouteRetry { Codes = [503], Attempts = 2 })!;
        using var response = Answer(HttpStatusCode.OK, null);
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "14");

        Assert.False(retry.RetriesStatus(GrpcTrailersOnly.EquivalentStatus(response)));
    }

    [Fact]
    public void Retry_codes_503_retry_UNAVAILABLE_and_not_INTERNAL()
    {
        var retry = RetryPolicy.From(new HttpRouteRetry { Codes = [503], Attempts = 2 })!;
        using var unavailable = Answer(HttpStatusCode.OK, "14");
        using var internalError = Answer(HttpStatusCode.OK, "13");

        Assert.True(retry.RetriesStatus(GrpcTrailersOnly.EquivalentStatus(unavailable)));
        Assert.False(retry.RetriesStatus(GrpcTrailersOnly.EquivalentStatus(internalError)));
    }
}
