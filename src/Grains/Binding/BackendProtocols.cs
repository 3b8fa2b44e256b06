namespace Mesh.Grains.Binding;

/// <summary>
/// The protocols the proxy speaks to a Service port, by the port's appProtocol: HTTP/1.1 when it names none,
/// "http" or "kubernetes.io/ws" (WebSocket's upgrade is HTTP/1.1's); h2c for "kubernetes.io/h2c", "h2c" and "grpc".
/// Any other (TLS's "https" and "kubernetes.io/wss", or "tcp", "mysql"...) it cannot send a route's traffic with: such
/// a backendRef is ResolvedRefs=False/UnsupportedProtocol, as BackendRef's appProtocol rules ask, and gets no traffic.
/// </summary>
public static class BackendProtocols
{
    public static bool IsH2c(string? appProtocol) =>
        appProtocol is not null && (Is(appProtocol, "kubernetes.io/h2c") || Is(appProtocol, "h2c") || Is(appProtocol, "grpc"));

    public static bool CanCarryHttp(string? appProtocol) =>
        string.IsNullOrEmpty(appProtocol) || Is(appProtocol, "http") || Is(appProtocol, "kubernetes.io/ws") || IsH2c(appProtocol);

    private static bool Is(string appProtocol, string name) => string.Equals(appProtocol, name, StringComparison.OrdinalIgnoreCase);
}
