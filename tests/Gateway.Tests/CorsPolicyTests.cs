using Mesh.Gateway.Filters;
using Mesh.Grains.Model;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Tests;

/// <summary>The headers a CORS filter answers with, case by case from GEP-1767 and the HTTPRouteCORS conformance test.</summary>
public class CorsPolicyTests
{
    private static readonly HttpCorsFilter Listed = new()
    {
        AllowOrigins = ["https://www.foo.com", "https://*.bar.com"],
        AllowMethods = ["GET", "OPTIONS"],
        AllowHeaders = ["x-header-1", "x-header-2"],
        ExposeHeaders = ["x-header-3", "x-header-4"],
        AllowCredentials = true,
        MaxAge = 3600,
    };

    private static DefaultHttpContext Request(string method, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }
        return context;
    }

    private static DefaultHttpContext Preflight(string origin, string method, string? requestHeaders = null) => requestHeaders is null
        ? Request("OPTIONS", ("Origin", origin), ("Access-Control-Request-Method", method))
        : Request("OPTIONS", ("Origin", origin), ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", requestHeaders));

    private static string? Header(HttpContext context, string name) =>
        context.Response.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    [Theory]
    [InlineData("https://www.foo.com")]
    [InlineData("https://www.bar.com")]
    [InlineData("https://xpto.www.bar.com")]
    public void A_preflight_from_an_allowed_origin_gets_every_header_of_the_filter(string origin)
    {
        var context = Preflight(origin, "GET", "x-header-1, x-header-2");

        Assert.True(new CorsPolicy(Listed).Apply(context));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, context.Response.ContentLength);
        Assert.Equal(origin, Header(context, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, OPTIONS", Header(context, "Access-Control-Allow-Methods"));
        Assert.Equal("x-header-1, x-header-2", Header(context, "Access-Control-Allow-Headers"));
        Assert.Equal("x-header-3, x-header-4", Header(context, "Access-Control-Expose-Headers"));
        Assert.Equal("3600", Header(context, "Access-Control-Max-Age"));
        Assert.Equal("true", Header(context, "Access-Control-Allow-Credentials"));
        Assert.Equal("Origin", Header(context, "Vary"));
    }

    [Fact]
    public void A_preflight_from_another_origin_is_answered_OK_without_CORS_headers()
    {
        var context = Preflight("https://foobar.com", "GET");

        Assert.True(new CorsPolicy(Listed).Apply(context));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.DoesNotContain(context.Response.Headers.Keys, name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Wildcards_without_credentials_answer_with_a_literal_star()
    {
        var policy = new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], AllowMethods = ["*"], AllowHeaders = ["*"] });
        var context = Preflight("https://foobar.com:12345", "PUT", "x-a");

        Assert.True(policy.Apply(context));

        Assert.Equal("*", Header(context, "Access-Control-Allow-Origin"));
        Assert.Equal("*", Header(context, "Access-Control-Allow-Methods"));
        Assert.Equal("*", Header(context, "Access-Control-Allow-Headers"));
        Assert.Null(Header(context, "Access-Control-Allow-Credentials"));
        Assert.Null(Header(context, "Vary")); // Every origin gets the same answer.
    }

    [Fact]
    public void Wildcards_with_credentials_echo_the_origin_method_and_headers_requested()
    {
        var policy = new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], AllowMethods = ["*"], AllowHeaders = ["*"], AllowCredentials = true });
        var context = Preflight("https://other.foo.com", "PUT", "x-header-1, x-header-2");

        Assert.True(policy.Apply(context));

        Assert.Equal("https://other.foo.com", Header(context, "Access-Control-Allow-Origin"));
        Assert.Equal("PUT", Header(context, "Access-Control-Allow-Methods"));
        Assert.Equal("x-header-1, x-header-2", Header(context, "Access-Control-Allow-Headers"));
        Assert.Equal("true", Header(context, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public void Wildcard_headers_with_credentials_and_none_requested_omit_the_header()
    {
        var policy = new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], AllowHeaders = ["*"], AllowCredentials = true });
        var context = Preflight("https://other.foo.com", "PUT");

        policy.Apply(context);

        Assert.Null(Header(context, "Access-Control-Allow-Headers"));
        Assert.Null(Header(context, "Access-Control-Allow-Methods")); // No allowMethods: only the safelisted ones.
    }

    [Fact]
    public void Echoed_request_headers_must_be_plain_tokens()
    {
        var policy = new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], AllowHeaders = ["*"], AllowCredentials = true });
        var context = Preflight("https://other.foo.com", "PUT", "x-a\u0001");

        policy.Apply(context);

        Assert.Null(Header(context, "Access-Control-Allow-Headers"));
    }

    [Fact]
    public void MaxAge_defaults_to_five_seconds()
    {
        var context = Preflight("https://www.foo.com", "POST");

        new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["https://www.foo.com"] }).Apply(context);

        Assert.Equal("5", Header(context, "Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("GET", "https://www.foo.com")] // A simple request.
    [InlineData("OPTIONS", "https://www.foo.com")] // OPTIONS without Access-Control-Request-Method is not a preflight.
    [InlineData("PUT", null)]
    public void Only_a_preflight_is_answered_by_the_filter(string method, string? origin)
    {
        var context = origin is null ? Request(method) : Request(method, ("Origin", origin));

        Assert.False(new CorsPolicy(Listed).Apply(context));
        Assert.Empty(context.Response.Headers);
    }

    [Fact]
    public void An_actual_response_gets_origin_credentials_and_exposed_headers_replacing_the_backends()
    {
        var policy = new CorsPolicy(Listed);
        var headers = new HeaderDictionary
        {
            ["Access-Control-Allow-Origin"] = "*",
            ["Access-Control-Max-Age"] = "99",
            ["Vary"] = "Accept-Encoding",
        };

        policy.AddResponseHeaders(headers, policy.AllowOrigin("https://www.bar.com"));

        Assert.Equal("https://www.bar.com", headers["Access-Control-Allow-Origin"].ToString());
        Assert.Equal("true", headers["Access-Control-Allow-Credentials"].ToString());
        Assert.Equal("x-header-3, x-header-4", headers["Access-Control-Expose-Headers"].ToString());
        Assert.False(headers.ContainsKey("Access-Control-Max-Age")); // Preflight-only headers stay off actual responses.
        Assert.False(headers.ContainsKey("Access-Control-Allow-Methods"));
        Assert.Equal("Accept-Encoding,Origin", string.Join(",", headers["Vary"].ToArray()));
    }

    [Fact]
    public void An_actual_response_to_another_origin_loses_every_CORS_header()
    {
        var policy = new CorsPolicy(Listed);
        var headers = new HeaderDictionary { ["Access-Control-Allow-Origin"] = "*", ["Access-Control-Allow-Credentials"] = "true", ["Vary"] = "origin" };

        policy.AddResponseHeaders(headers, policy.AllowOrigin("https://foobar.com"));

        Assert.DoesNotContain(headers.Keys, name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("origin", headers["Vary"].ToString()); // Already varies by Origin: not added twice.
    }

    [Fact]
    public void Exposing_all_with_credentials_lists_the_response_own_headers()
    {
        var policy = new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], ExposeHeaders = ["*", "x-always"], AllowCredentials = true });
        var headers = new HeaderDictionary { ["Content-Type"] = "text/plain", ["x-trace"] = "1" };

        policy.AddResponseHeaders(headers, policy.AllowOrigin("https://a.example"));

        Assert.Equal("Content-Type, x-trace, x-always", headers["Access-Control-Expose-Headers"].ToString());
    }

    [Theory]
    [InlineData(false, "null", "*")]
    [InlineData(true, "null", null)] // The opaque origin never gets credentialed access.
    [InlineData(true, "https://a.example", "https://a.example")]
    [InlineData(false, "https://a.example, https://b.example", null)] // A list is not one origin.
    public void Any_origin_answers_star_or_the_origin_itself(bool credentials, string origin, string? expected) =>
        Assert.Equal(expected, new CorsPolicy(new HttpCorsFilter { AllowOrigins = ["*"], AllowCredentials = credentials }).AllowOrigin(origin));

    [Fact]
    public void Two_Origin_headers_are_not_allowed() =>
        Assert.Null(new CorsPolicy(Listed).AllowOrigin(new Microsoft.Extensions.Primitives.StringValues(["https://www.foo.com", "https://www.foo.com"])));
}
