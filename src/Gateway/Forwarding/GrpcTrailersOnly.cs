using System.Globalization;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// A gRPC server that fails before sending any message answers HTTP 200 "trailers-only": grpc-status
/// arrives in the response headers and there is no body. HTTPRoute retry.codes are HTTP codes, so for
/// retrying such an answer reads as the HTTP status that grpc-status stands for, by the canonical
/// mapping of google.rpc.Code (the inverse of gRPC's own HTTP-to-gRPC table): UNAVAILABLE is 503,
/// DEADLINE_EXCEEDED 504, RESOURCE_EXHAUSTED 429, INTERNAL and UNKNOWN 500, and so on. A route with
/// codes [503] therefore retries UNAVAILABLE, as it retries an HTTP 503. Only trailers-only answers
/// qualify: once a message has been relayed the call cannot be replayed.
/// </summary>
public static class GrpcTrailersOnly
{
    /// <summary>The HTTP status a response counts as for retries: grpc-status mapped when trailers-only, else its own.</summary>
    public static int EquivalentStatus(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (status != 200
            || !response.Headers.NonValidated.TryGetValues("grpc-status", out var values)
            || !int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var grpcStatus))
        {
            return status;
        }
        return grpcStatus switch
        {
            0 => 200, // OK
            1 => 499, // CANCELLED
            3 or 9 or 11 => 400, // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
            4 => 504, // DEADLINE_EXCEEDED
            5 => 404, // NOT_FOUND
            6 or 10 => 409, // ALREADY_EXISTS, ABORTED
            7 => 403, // PERMISSION_DENIED
            8 => 429, // RESOURCE_EXHAUSTED
            12 => 501, // UNIMPLEMENTED
            14 => 503, // UNAVAILABLE
            16 => 401, // UNAUTHENTICATED
            _ => 500, // UNKNOWN, INTERNAL, DATA_LOSS and codes not yet defined
        };
    }
}
