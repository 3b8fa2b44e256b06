using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Grains.Tests.Fuzz;

/// <summary>
/// Values a route field should never be trusted to hold: empty, huge, control characters, non-ASCII, path
/// traversal, regexes that do not compile or backtrack catastrophically, numbers out of every range, the wrong
/// JSON type, and valid-looking names of the wrong enum (a filter type that does not match its member).
/// </summary>
internal static class HostileValues
{
    private static readonly string[] Texts =
    [
        "", " ", "a", new string('a', 300), new string('x', 5_000), new string('/', 40_000),
        "a\r\nX-Evil: 1", "line\n", "nul\0", "\t", "caf\u00e9", "\u65e5\u672c", "\u202eevil", " spaced value ", "/a b",
        "/../", "/a/../../etc/passwd", "//", "/%00", "?", "/q?x=1", "#frag", "relative",
        "(a+)+$", "(", ")", "[", "*", "\\", "(?<n>a)\\k<n>", "/(a)\\1", "(?=x)", "a{99999}", "[\\d-z]", "a)|(b", "/x)|(.*",
        "(?x)a#", "(?i)", "\\p{L}+", "[^/]+",
        "Exact", "PathPrefix", "RegularExpression", "RequestRedirect", "URLRewrite", "RequestMirror", "CORS",
        "ExternalAuth", "ExtensionRef", "RequestHeaderModifier", "ReplaceFullPath", "ReplacePrefixMatch",
        "Service", "Gateway", "core", "gateway.networking.k8s.io", "ns", "consumer", "target", "backend-a", "other-0",
        "GET", "get", "https", "ftp", "http", "0s", "-1s", "99999h", "1h1h1h1h1h", "10ms",
    ];

    private static readonly JsonNode?[] Numbers =
    [
        0, -1, 1, 2, 80, 301, 404, 443, 599, 600, 65535, 65536, int.MaxValue, int.MinValue, 2147483648L, long.MaxValue,
        1.5, 1e300, -0.0, 100, 101,
    ];

    /// <summary>
    /// A fresh node (never shared, so it can be inserted anywhere), mostly of <paramref name="current"/>'s JSON type:
    /// a value of the wrong type only shows the silo skipping what does not read, which one case in four is enough for.
    /// </summary>
    public static JsonNode? Pick(Random random, JsonNode? current = null) => (current?.GetValueKind(), random.Next(4)) switch
    {
        (JsonValueKind.String, > 0) => JsonValue.Create(Texts[random.Next(Texts.Length)]),
        (JsonValueKind.Number, > 0) => Numbers[random.Next(Numbers.Length)]?.DeepClone(),
        _ => Any(random),
    };

    private static JsonNode? Any(Random random) => random.Next(10) switch
    {
        < 5 => JsonValue.Create(Texts[random.Next(Texts.Length)]),
        < 8 => Numbers[random.Next(Numbers.Length)]?.DeepClone(),
        8 => random.Next(2) == 0 ? JsonValue.Create(random.Next(2) == 0) : null,
        _ => random.Next(3) switch
        {
            0 => new JsonArray(),
            1 => new JsonObject(),
            _ => new JsonArray(JsonValue.Create(Texts[random.Next(Texts.Length)])),
        },
    };

    /// <summary>A property name the schema does not have, or one it has in the wrong place.</summary>
    public static string PropertyName(Random random) =>
        random.Next(4) switch
        {
            0 => "unknownField",
            1 => Texts[random.Next(Texts.Length)],
            _ => KnownNames[random.Next(KnownNames.Length)],
        };

    private static readonly string[] KnownNames =
    [
        "type", "value", "name", "namespace", "port", "weight", "path", "headers", "queryParams", "method", "service",
        "filters", "backendRefs", "matches", "requestRedirect", "urlRewrite", "requestMirror", "cors",
        "requestHeaderModifier", "responseHeaderModifier", "extensionRef", "externalAuth", "replaceFullPath",
        "replacePrefixMatch", "statusCode", "timeouts", "retry", "kind", "group", "sectionName", "percent", "fraction",
    ];
}
