namespace Mesh.Grains.Binding;

/// <summary>
/// The protocols the proxy speaks to a Service port, by the port's appProtocol: h2c for "kubernetes.io/h2c", "h2c",
/// "grpc" and "http2" (a mesh's cleartext HTTP/2, as Istio names it); HTTP/1.1 for any other name, "http",
/// "kubernetes.io/ws" and "grpc-web" among them. It cannot speak TLS ("https", "kubernetes.io/wss", "wss", "tls",
/// "h2") or a route's traffic over bare transport ("tcp", "udp", "sctp"): such a backendRef is
/// ResolvedRefs=False/UnsupportedProtocol, as BackendRef's appProtocol rules ask, and gets no traffic.
/// </summary>
public static class BackendProtocols
{
    private static readonly string[] H2c = ["kubernetes.io/h2c", "h2c", "grpc", "http2"];
    private static readonly string[] Unspeakable = ["https", "kubernetes.io/wss", "wss", "tls", "h2", "tcp", "udp", "sctp"];

    public static bool IsH2c(string? appProtocol) => appProtocol is not null && H2c.Contains(appProtocol, StringComparer.OrdinalIgnoreCase);

    public static bool CanCarryHttp(string? appProtocol) =>
        appProtocol is null || !Unspeakable.Contains(appProtocol, StringComparer.OrdinalIgnoreCase);
}
