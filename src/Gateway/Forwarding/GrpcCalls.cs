using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Forwarding;

/// <summary>Recognises gRPC calls, which route by GRPCRoutes, go upstream over HTTP/2 and get gRPC-shaped errors.</summary>
public static class GrpcCalls
{
    private const string ContentType = "application/grpc";

    /// <summary>
    /// "application/grpc", alone or with "+format" or parameters. Not gRPC-Web ("application/grpc-web..."), which is
    /// plain HTTP to the mesh: its requests route by HTTPRoutes and go upstream as the endpoint speaks.
    /// </summary>
    public static bool IsGrpc(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.ContentType;
        return type is not null && type.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
            && (type.Length == ContentType.Length || type[ContentType.Length] is '+' or ';' or ' ');
    }
}
