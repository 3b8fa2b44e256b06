using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>HTTPRouteMatch: path (with its CEL), headers, query parameters and method.</summary>
internal static class HttpMatchRules
{
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    public static readonly string[] ValueMatchTypes = ["Exact", "RegularExpression"];
    private static readonly string[] PathMatchTypes = ["Exact", "PathPrefix", "RegularExpression"];

    public static void List(Cursor matches)
    {
        if (matches.ReadList(64) is null)
        {
            return;
        }
        foreach (var match in matches.Items())
        {
            if (match.ReadObject() is not null)
            {
                Path(match.Field("path"));
                Headers(match.Field("headers"), Formats.HeaderValue);
                Headers(match.Field("queryParams"), Formats.QueryParamValue);
                match.Field("method").ReadEnum(Methods);
            }
        }
    }

    /// <summary>Header (HTTP and gRPC) and query parameter matches: maps keyed by the exact name.</summary>
    public static void Headers(Cursor list, StringFormat valueFormat)
    {
        if (list.ReadList(16) is null)
        {
            return;
        }
        foreach (var entry in list.Items())
        {
            if (entry.ReadObject() is not null)
            {
                entry.Field("type").ReadEnum(ValueMatchTypes);
                entry.Field("name").ReadString(Formats.HeaderName, required: true);
                entry.Field("value").ReadString(valueFormat, required: true);
            }
        }
        list.UniqueBy("name");
    }

    private static void Path(Cursor path)
    {
        var obj = path.ReadObject();
        if (obj is null)
        {
            return; // the default, PathPrefix "/", is valid
        }
        path.Field("type").ReadEnum(PathMatchTypes);
        path.Field("value").ReadString(Formats.PathValue);

        // The CEL sees the defaults: type PathPrefix, value "/". RegularExpression values are not checked.
        // (The CRD's "type must be one of [...]" rule cannot fail once the enum has passed, so it is left out.)
        string Value() => Json.Text(obj["value"]) ?? "/";
        bool Literal() => (Json.Text(obj["type"]) ?? "PathPrefix") is "Exact" or "PathPrefix";
        void Literally(string message, Func<string, bool> holds) =>
            path.Rule($"{message} when type one of ['Exact', 'PathPrefix']", () => !Literal() || holds(Value()));

        Literally("value must be an absolute path and start with '/'", v => v.StartsWith('/'));
        foreach (var part in new[] { "//", "/./", "/../", "%2f", "%2F", "#" })
        {
            Literally($"must not contain '{part}'", v => !v.Contains(part, StringComparison.Ordinal));
        }
        Literally("must not end with '/..'", v => !v.EndsWith("/..", StringComparison.Ordinal));
        Literally("must not end with '/.'", v => !v.EndsWith("/.", StringComparison.Ordinal));
        path.Rule($"must only contain valid characters (matching {Formats.PathCharacters}) for types ['Exact', 'PathPrefix']",
            () => !Literal() || Formats.PathCharactersRegex.IsMatch(Value()));
    }
}
