using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Routing;

/// <summary>The parts of a request that route matching looks at.</summary>
/// <param name="Query">The raw query string, with or without its leading '?'.</param>
public readonly record struct RequestView(string Method, string Path, IHeaderDictionary Headers, string Query)
{
    /// <summary>
    /// The first value of a query parameter, its name compared case-sensitively as the Gateway API
    /// requires (ASP.NET's own query collection ignores case, so it is not used here).
    /// </summary>
    public bool TryGetFirstQueryValue(string name, out string value)
    {
        var rest = Query.AsSpan().TrimStart('?');
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            if (Decode(rawName) == name)
            {
                value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
                return true;
            }
        }
        value = "";
        return false;
    }

    private static string Decode(ReadOnlySpan<char> component) =>
        Uri.UnescapeDataString(component.ToString().Replace('+', ' '));
}
