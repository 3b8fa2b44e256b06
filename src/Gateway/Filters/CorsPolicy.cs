using Mesh.Gateway.Forwarding;
using Mesh.Grains.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Filters;

/// <summary>
/// The CORS filter (GEP-1767, HTTPRoute experimental channel). A preflight (OPTIONS with Origin and
/// Access-Control-Request-Method) is answered by the proxy with 200 and never forwarded. Any other
/// request gets, on whatever response it ends with (backend, redirect or proxy error),
/// Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers when its Origin is allowed, and
/// no Access-Control-* headers at all when it is not: the route's policy owns them, so a backend's own
/// are replaced or removed.
/// </summary>
public sealed class CorsPolicy
{
    /// <summary>The CRD's default for maxAge, in seconds.</summary>
    public const int DefaultMaxAge = 5;

    private const string Wildcard = "*";

    private static readonly string[] ResponseHeaderNames =
    [
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
    ];

    private readonly bool _anyOrigin;
    private readonly CorsOrigin[] _origins;
    private readonly bool _credentials;
    private readonly bool _anyMethod;
    private readonly string? _methods;
    private readonly bool _anyHeader;
    private readonly string? _headers;
    private readonly bool _exposeAll;
    private readonly string? _expose;
    private readonly string? _exposeNamed;
    private readonly string _maxAge;

    public CorsPolicy(HttpCorsFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var origins = filter.AllowOrigins ?? [];
        _anyOrigin = origins.Contains(Wildcard);
        _origins = [.. origins.Where(o => o != Wildcard).Select(CorsOrigin.Parse).OfType<CorsOrigin>()];
        _credentials = filter.AllowCredentials == true;
        _anyMethod = filter.AllowMethods?.Contains(Wildcard) == true;
        _methods = Joined(filter.AllowMethods);
        _anyHeader = filter.AllowHeaders?.Contains(Wildcard) == true;
        _headers = Joined(filter.AllowHeaders);
        _exposeAll = filter.ExposeHeaders?.Contains(Wildcard) == true;
        _expose = Joined(filter.ExposeHeaders);
        _exposeNamed = Joined(filter.ExposeHeaders?.Where(h => h != Wildcard));
        _maxAge = (filter.MaxAge ?? DefaultMaxAge).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whether the answer depends on the request's Origin, so caches must keep one copy per Origin
    /// (Vary: Origin). Only "any origin, no credentials" answers every Origin alike, with '*'.
    /// </summary>
    private bool VariesByOrigin => !_anyOrigin || _credentials;

    public static bool IsPreflight(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RequestMethods.IsOptions(request.Method)
            && request.Headers.Origin.Count > 0
            && request.Headers.AccessControlRequestMethod.Count > 0;
    }

    /// <summary>
    /// Applies the policy to one request. True when it was a preflight and has been answered: the caller
    /// forwards nothing. Otherwise the response headers are added as the response starts.
    /// </summary>
    public bool Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var allowed = AllowOrigin(request.Headers.Origin);
        if (IsPreflight(request))
        {
            AnswerPreflight(request, context.Response, allowed);
            return true;
        }
        if (VariesByOrigin || request.Headers.Origin.Count > 0)
        {
            context.Response.OnStarting(static state =>
            {
                var (policy, response, origin) = ((CorsPolicy, HttpResponse, string?))state;
                policy.AddResponseHeaders(response.Headers, origin);
                return Task.CompletedTask;
            }, (this, context.Response, allowed));
        }
        return false;
    }

    /// <summary>
    /// The Access-Control-Allow-Origin value for a request's Origin header, or null when it is not allowed.
    /// With credentials the Origin is echoed even for '*', as the spec requires; the opaque origin "null"
    /// (sandboxed documents, file: pages) is never handed credentialed access.
    /// </summary>
    public string? AllowOrigin(StringValues originHeader)
    {
        if (originHeader.Count != 1 || originHeader[0] is not { Length: > 0 } origin || !IsHeaderSafe(origin, allowComma: false))
        {
            return null;
        }
        if (_anyOrigin)
        {
            return !_credentials ? Wildcard : origin == "null" ? null : origin;
        }
        foreach (var allowed in _origins)
        {
            if (allowed.Matches(origin))
            {
                return origin;
            }
        }
        return null;
    }

    private void AnswerPreflight(HttpRequest request, HttpResponse response, string? allowed)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
        var headers = response.Headers;
        if (VariesByOrigin)
        {
            headers.Vary = "Origin";
        }
        if (allowed is null)
        {
            return; // Not allowed: an OK answer without CORS headers, so the browser stops here.
        }
        headers.AccessControlAllowOrigin = allowed;
        if (_credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }
        // '*' is literal only without credentials; with them the spec asks to echo what was requested.
        var methods = _anyMethod && _credentials ? Echoed(request.Headers.AccessControlRequestMethod) : _methods;
        if (methods is not null)
        {
            headers.AccessControlAllowMethods = methods;
        }
        var allowHeaders = _anyHeader && _credentials ? Echoed(request.Headers.AccessControlRequestHeaders) : _headers;
        if (allowHeaders is not null)
        {
            headers.AccessControlAllowHeaders = allowHeaders;
        }
        var expose = _exposeAll && _credentials ? _exposeNamed : _expose;
        if (expose is not null)
        {
            headers.AccessControlExposeHeaders = expose;
        }
        headers.AccessControlMaxAge = _maxAge;
    }

    /// <summary>The CORS headers of an actual (non-preflight) response, replacing any the backend set.</summary>
    public void AddResponseHeaders(IHeaderDictionary headers, string? allowed)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in ResponseHeaderNames)
        {
            headers.Remove(name);
        }
        if (VariesByOrigin)
        {
            AddVaryOrigin(headers);
        }
        if (allowed is null)
        {
            return;
        }
        headers.AccessControlAllowOrigin = allowed;
        if (_credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }
        // With credentials a literal '*' exposes nothing, so "all" becomes the names this response carries.
        var expose = _exposeAll && _credentials ? NamesOf(headers, _exposeNamed) : _expose;
        if (expose is not null)
        {
            headers.AccessControlExposeHeaders = expose;
        }
    }

    private static string? Joined(IEnumerable<string>? values) =>
        values?.ToList() is { Count: > 0 } list ? string.Join(", ", list) : null;

    /// <summary>A request header echoed into the answer, when it is a plain token list (nothing a client could smuggle).</summary>
    private static string? Echoed(StringValues values)
    {
        var text = values.ToString();
        return text.Length > 0 && IsHeaderSafe(text, allowComma: true) ? text : null;
    }

    private static bool IsHeaderSafe(string value, bool allowComma)
    {
        foreach (var c in value)
        {
            var fits = c is >= '!' and <= '~' ? allowComma || c != ',' : allowComma && c == ' ';
            if (!fits)
            {
                return false;
            }
        }
        return true;
    }

    private static string? NamesOf(IHeaderDictionary headers, string? named)
    {
        var names = headers.Keys
            .Where(n => !n.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase) && !n.Equals("Vary", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (named is not null)
        {
            names.Add(named);
        }
        return names.Count > 0 ? string.Join(", ", names) : null;
    }

    private static void AddVaryOrigin(IHeaderDictionary headers)
    {
        foreach (var value in headers.Vary)
        {
            foreach (var token in (value ?? "").Split(','))
            {
                var name = token.Trim();
                if (name == Wildcard || name.Equals("Origin", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        headers.Vary = StringValues.Concat(headers.Vary, "Origin");
    }
}
