using Mesh.Grains.Model;

namespace Mesh.Gateway.Filters;

/// <summary>URLRewrite: changes the Host and/or path sent upstream; the client never sees it.</summary>
public sealed class UrlRewrite(HttpUrlRewriteFilter filter, string matchedPrefix)
{
    private readonly PathModifier? _path = filter.Path is { } path ? new PathModifier(path, matchedPrefix) : null;

    public string? Hostname { get; } = filter.Hostname;

    public string RewritePath(string path) => _path?.Apply(path) ?? path;
}
