namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The request cannot be written upstream as HTTP/1.1 (a header value with a line break or a non-ASCII
/// character, a target with a space). The request is at fault, not the endpoint: it is answered 400,
/// not retried, and not counted against the endpoint.
/// </summary>
public sealed class UnsendableRequestException(string message) : Exception(message);
