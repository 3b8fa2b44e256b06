namespace Mesh.Grains.Model;

// gateway.networking.k8s.io/v1 HTTPRoute, as the Gateway API defines it. Field names follow the
// upstream types so that JSON maps one to one; defaults are applied where the spec states them.

public sealed record HttpRoute
{
    public ObjectMeta Metadata { get; init; } = new();
    /// <summary>Never null: a "spec": null that a loose CRD stored (the API server would prune it) reads as an empty spec.</summary>
    public HttpRouteSpec Spec { get; init => field = value ?? new(); } = new();
}

public sealed record HttpRouteSpec
{
    public List<ParentReference>? ParentRefs { get; init; }
    public List<string>? Hostnames { get; init; }
    public List<HttpRouteRule>? Rules { get; init; }
}

public sealed record ParentReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string Name { get; init; } = "";
    public string? SectionName { get; init; }
    public int? Port { get; init; }
}

public sealed record HttpRouteRule
{
    public string? Name { get; init; }
    public List<HttpRouteMatch>? Matches { get; init; }
    public List<HttpRouteFilter>? Filters { get; init; }
    public List<HttpBackendRef>? BackendRefs { get; init; }
    public HttpRouteTimeouts? Timeouts { get; init; }
    public HttpRouteRetry? Retry { get; init; }
    public SessionPersistence? SessionPersistence { get; init; }
}

public sealed record HttpRouteMatch
{
    public HttpPathMatch? Path { get; init; }
    public List<HttpHeaderMatch>? Headers { get; init; }
    public List<HttpQueryParamMatch>? QueryParams { get; init; }
    public string? Method { get; init; }
}

public static class PathMatchType
{
    public const string Exact = "Exact";
    public const string PathPrefix = "PathPrefix";
    public const string RegularExpression = "RegularExpression";
}

public sealed record HttpPathMatch
{
    public string? Type { get; init; }
    public string? Value { get; init; }
}

public sealed record HttpHeaderMatch
{
    public string? Type { get; init; }
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record HttpQueryParamMatch
{
    public string? Type { get; init; }
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record HttpBackendRef
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
    public int? Port { get; init; }
    public int? Weight { get; init; }
    public List<HttpRouteFilter>? Filters { get; init; }
}

public sealed record HttpRouteTimeouts
{
    public string? Request { get; init; }
    public string? BackendRequest { get; init; }
}

public sealed record HttpRouteRetry
{
    public List<int>? Codes { get; init; }
    public int? Attempts { get; init; }
    public string? Backoff { get; init; }
}

public sealed record HttpRouteFilter
{
    public string Type { get; init; } = "";
    public HttpHeaderFilter? RequestHeaderModifier { get; init; }
    public HttpHeaderFilter? ResponseHeaderModifier { get; init; }
    public HttpRequestRedirectFilter? RequestRedirect { get; init; }
    public HttpUrlRewriteFilter? UrlRewrite { get; init; }
    public HttpRequestMirrorFilter? RequestMirror { get; init; }
    public HttpCorsFilter? Cors { get; init; }
    public HttpExternalAuthFilter? ExternalAuth { get; init; }
    public LocalObjectReference? ExtensionRef { get; init; }
}

public sealed record HttpHeader
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record HttpHeaderFilter
{
    public List<HttpHeader>? Set { get; init; }
    public List<HttpHeader>? Add { get; init; }
    public List<string>? Remove { get; init; }
}

public sealed record HttpPathModifier
{
    public string Type { get; init; } = "";
    public string? ReplaceFullPath { get; init; }
    public string? ReplacePrefixMatch { get; init; }
}

public sealed record HttpRequestRedirectFilter
{
    public string? Scheme { get; init; }
    public string? Hostname { get; init; }
    public HttpPathModifier? Path { get; init; }
    public int? Port { get; init; }
    public int? StatusCode { get; init; }
}

public sealed record HttpUrlRewriteFilter
{
    public string? Hostname { get; init; }
    public HttpPathModifier? Path { get; init; }
}

public sealed record HttpRequestMirrorFilter
{
    public HttpBackendRef BackendRef { get; init; } = new();
    public int? Percent { get; init; }
    public Fraction? Fraction { get; init; }
}

public sealed record Fraction
{
    public int Numerator { get; init; }
    public int? Denominator { get; init; }
}

public sealed record LocalObjectReference
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
}
