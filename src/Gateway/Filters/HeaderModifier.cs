using Mesh.Grains.Model;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Filters;

/// <summary>
/// RequestHeaderModifier / ResponseHeaderModifier: set replaces, add appends a value, remove deletes;
/// names are case-insensitive. Applied as remove, then set, then add. Content-Length and
/// Transfer-Encoding are left alone: they say how a message is framed, and the proxy frames each message
/// it sends itself, so a modifier's value could only make the length it declares a lie (as Connection and
/// the other per-hop fields a modifier sets are dropped when a message is written).
/// </summary>
public sealed class HeaderModifier
{
    private readonly (string Name, string Value)[] _set;
    private readonly (string Name, string Value)[] _add;
    private readonly string[] _remove;

    public HeaderModifier(HttpHeaderFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _set = (filter.Set ?? []).Where(h => !IsFraming(h.Name)).Select(h => (h.Name, h.Value)).ToArray();
        _add = (filter.Add ?? []).Where(h => !IsFraming(h.Name)).Select(h => (h.Name, h.Value)).ToArray();
        _remove = [.. (filter.Remove ?? []).Where(name => !IsFraming(name))];
    }

    public void Apply(IHeaderDictionary headers)
    {
        foreach (var name in _remove)
        {
            headers.Remove(name);
        }
        foreach (var (name, value) in _set)
        {
            headers[name] = value;
        }
        foreach (var (name, value) in _add)
        {
            // One value "existing,new", as Envoy and the conformance suite expect (not a second header line).
            headers[name] = headers.TryGetValue(name, out var existing) && existing.Count > 0
                ? $"{string.Join(',', existing.ToArray())},{value}"
                : value;
        }
    }

    private static bool IsFraming(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);
}
