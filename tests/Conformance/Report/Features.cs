namespace Mesh.Conformance.Tests.Report;

/// <summary>Gateway API conformance feature names the Mesh tests use.</summary>
public static class Features
{
    // Core of the mesh profiles.
    public const string Mesh = "Mesh";
    public const string HTTPRoute = "HTTPRoute";
    public const string GRPCRoute = "GRPCRoute";

    // Mesh extended features (all declared in the standard channel upstream).
    public const string MeshClusterIPMatching = "MeshClusterIPMatching";
    public const string MeshConsumerRoute = "MeshConsumerRoute";
    public const string MeshHTTPRouteRewritePath = "MeshHTTPRouteRewritePath";
    public const string MeshHTTPRouteSchemeRedirect = "MeshHTTPRouteSchemeRedirect";
    public const string MeshHTTPRouteRedirectPort = "MeshHTTPRouteRedirectPort";
    public const string MeshHTTPRouteRedirectPath = "MeshHTTPRouteRedirectPath";
    public const string MeshHTTPRouteBackendRequestHeaderModification = "MeshHTTPRouteBackendRequestHeaderModification";
    public const string MeshHTTPRouteQueryParamMatching = "MeshHTTPRouteQueryParamMatching";
    public const string MeshHTTPRouteNamedRouteRule = "MeshHTTPRouteNamedRouteRule";

    // Route features some mesh tests also need (outside both mesh profiles since v1.4).
    public const string HTTPRouteResponseHeaderModification = "HTTPRouteResponseHeaderModification";
    public const string HTTPRouteParentRefPort = "HTTPRouteParentRefPort";
    public const string HTTPRoute303RedirectStatusCode = "HTTPRoute303RedirectStatusCode";
    public const string HTTPRoute307RedirectStatusCode = "HTTPRoute307RedirectStatusCode";
    public const string HTTPRoute308RedirectStatusCode = "HTTPRoute308RedirectStatusCode";
    public const string GRPCRouteRequestMirror = "GRPCRouteRequestMirror";

    /// <summary>MeshExtendedFeatures: since v1.4 the whole extended set of MESH-HTTP and of MESH-GRPC.</summary>
    public static readonly IReadOnlySet<string> MeshExtended = new SortedSet<string>(StringComparer.Ordinal)
    {
        MeshClusterIPMatching,
        MeshConsumerRoute,
        MeshHTTPRouteRewritePath,
        MeshHTTPRouteSchemeRedirect,
        MeshHTTPRouteRedirectPort,
        MeshHTTPRouteRedirectPath,
        MeshHTTPRouteBackendRequestHeaderModification,
        MeshHTTPRouteQueryParamMatching,
        MeshHTTPRouteNamedRouteRule,
    };
}

/// <summary>A conformance profile: its core and extended feature sets.</summary>
public sealed record Profile(string Name, IReadOnlySet<string> Core, IReadOnlySet<string> Extended)
{
    /// <summary>
    /// The v1.4 definitions: MESH-HTTP is Mesh + HTTPRoute, MESH-GRPC is Mesh + GRPCRoute, and both take
    /// MeshExtendedFeatures as their extended set (no longer the HTTPRoute* extended features).
    /// </summary>
    public static readonly IReadOnlyList<Profile> Mesh =
    [
        new("MESH-GRPC", new HashSet<string> { Features.Mesh, Features.GRPCRoute }, Features.MeshExtended),
        new("MESH-HTTP", new HashSet<string> { Features.Mesh, Features.HTTPRoute }, Features.MeshExtended),
    ];

    /// <summary>A test belongs to a profile only when every feature it needs is in the profile.</summary>
    public bool Covers(UpstreamTest test) => test.Features.All(f => Core.Contains(f) || Extended.Contains(f));

    /// <summary>It counts as core when every feature it needs is core.</summary>
    public bool IsCore(UpstreamTest test) => test.Features.All(Core.Contains);
}
