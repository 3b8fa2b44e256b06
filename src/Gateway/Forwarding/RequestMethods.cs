using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Request methods compared as HTTP compares them: case-sensitively (RFC 9110 §9.1), so "HEaD" is a method
/// of its own, not HEAD. ASP.NET's <see cref="HttpMethods"/> helpers and <see cref="HttpMethod.Parse"/> ignore
/// case; with them a "HEaD" request was answered as a HEAD (no body read, a 500 from the front) while the
/// upstream saw another method, and "get" went upstream as "GET".
/// </summary>
public static class RequestMethods
{
    public static bool IsHead(string method) => Is(method, HttpMethods.Head);

    public static bool IsConnect(string method) => Is(method, HttpMethods.Connect);

    public static bool IsOptions(string method) => Is(method, HttpMethods.Options);

    public static bool IsGet(string method) => Is(method, HttpMethods.Get);

    /// <summary>POST, PUT and PATCH: methods whose request is expected to say how long its body is, even when empty.</summary>
    public static bool ExpectsContent(string method) =>
        Is(method, HttpMethods.Post) || Is(method, HttpMethods.Put) || Is(method, HttpMethods.Patch);

    /// <summary>The method for SocketsHttpHandler, spelled as received: the shared instance only when it matches exactly.</summary>
    public static HttpMethod ToHttpMethod(string method)
    {
        var known = HttpMethod.Parse(method);
        return string.Equals(known.Method, method, StringComparison.Ordinal) ? known : new HttpMethod(method);
    }

    /// <summary>The shared instance of a standard method spelled exactly so (ASP.NET's GetCanonicalizedValue would also take "head"), else the text itself.</summary>
    public static string Interned(string method) => method switch
    {
        "GET" => HttpMethods.Get,
        "POST" => HttpMethods.Post,
        "PUT" => HttpMethods.Put,
        "DELETE" => HttpMethods.Delete,
        "HEAD" => HttpMethods.Head,
        "OPTIONS" => HttpMethods.Options,
        "PATCH" => HttpMethods.Patch,
        "CONNECT" => HttpMethods.Connect,
        "TRACE" => HttpMethods.Trace,
        _ => method,
    };

    // The servers intern the standard methods, so the reference check settles almost every call.
    private static bool Is(string method, string standard) =>
        ReferenceEquals(method, standard) || string.Equals(method, standard, StringComparison.Ordinal);
}
