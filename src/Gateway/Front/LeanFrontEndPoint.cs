using System.Net;

namespace Mesh.Gateway.Front;

/// <summary>
/// The traffic listener's address, marked so that <see cref="LeanFrontTransportFactory"/> binds it and
/// Kestrel's own socket transport binds every other listener (the admin port).
/// </summary>
public sealed class LeanFrontEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
