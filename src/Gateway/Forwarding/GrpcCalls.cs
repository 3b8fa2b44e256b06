using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Forwarding;

/// <summary>Recognises gRPC calls, which route by GRPCRoutes, go upstream over HTTP/2 and get gRPC-shaped errors.</summary>
public static class GrpcCalls
{
    public static bool IsGrpc(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
    }
}
