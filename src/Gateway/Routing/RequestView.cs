using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Routing;

/// <summary>The parts of a request that route matching looks at.</summary>
public readonly record struct RequestView(string Method, string Path, IHeaderDictionary Headers, IQueryCollection Query);
