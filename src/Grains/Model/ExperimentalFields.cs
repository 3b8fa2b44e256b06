namespace Mesh.Grains.Model;

// Experimental-channel fields of the route model (Gateway API v1.4). Validation checks them; the data
// plane applies CORS and answers 500 for a rule whose ExternalAuth filter it does not apply yet.

/// <summary>GEP-1619 session persistence (rules[].sessionPersistence).</summary>
public sealed record SessionPersistence
{
    public string? SessionName { get; init; }
    public string? AbsoluteTimeout { get; init; }
    public string? IdleTimeout { get; init; }

    /// <summary>Cookie (default) or Header.</summary>
    public string? Type { get; init; }
    public CookieConfig? CookieConfig { get; init; }
}

public sealed record CookieConfig
{
    /// <summary>Permanent or Session (default).</summary>
    public string? LifetimeType { get; init; }
}

/// <summary>GEP-1767 CORS filter.</summary>
public sealed record HttpCorsFilter
{
    public List<string>? AllowOrigins { get; init; }
    public bool? AllowCredentials { get; init; }
    public List<string>? AllowMethods { get; init; }
    public List<string>? AllowHeaders { get; init; }
    public List<string>? ExposeHeaders { get; init; }
    public int? MaxAge { get; init; }
}

/// <summary>GEP-1494 external authorization filter.</summary>
public sealed record HttpExternalAuthFilter
{
    /// <summary>HTTP or GRPC.</summary>
    public string Protocol { get; init; } = "";
    public HttpBackendRef BackendRef { get; init; } = new();
    public ExternalAuthGrpc? Grpc { get; init; }
    public ExternalAuthHttp? Http { get; init; }
    public ForwardBody? ForwardBody { get; init; }
}

public sealed record ExternalAuthGrpc
{
    public List<string>? AllowedHeaders { get; init; }
}

public sealed record ExternalAuthHttp
{
    public string? Path { get; init; }
    public List<string>? AllowedHeaders { get; init; }
    public List<string>? AllowedResponseHeaders { get; init; }
}

public sealed record ForwardBody
{
    public int? MaxSize { get; init; }
}
