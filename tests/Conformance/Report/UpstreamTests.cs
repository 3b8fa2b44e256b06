namespace Mesh.Conformance.Tests.Report;

/// <summary>One upstream Mesh conformance test: its ShortName, the features it needs, whether it is provisional, and where it first appears.</summary>
public sealed record UpstreamTest(string ShortName, IReadOnlyList<string> Features, bool Provisional, string Since);

/// <summary>
/// Every upstream Mesh conformance test this suite has a scenario for (kubernetes-sigs/gateway-api,
/// conformance/tests/mesh). "Since" is the first release carrying the test; "main" means newer than v1.4.0.
/// </summary>
public static class UpstreamTests
{
    private const string V13 = "v1.3.0";
    private const string V14 = "v1.4.0";
    private const string Main = "main";

    public static readonly IReadOnlyList<UpstreamTest> All =
    [
        new("MeshBasic", [Features.Mesh], false, V13),
        new("MeshTrafficSplit", [Features.Mesh, Features.HTTPRoute], false, V13),
        new("MeshFrontend", [Features.Mesh, Features.HTTPRoute, Features.HTTPRouteResponseHeaderModification], false, V13),
        new("MeshFrontendHostname", [Features.Mesh, Features.MeshClusterIPMatching, Features.HTTPRoute, Features.HTTPRouteResponseHeaderModification], false, V13),
        new("MeshPorts", [Features.Mesh, Features.HTTPRoute, Features.HTTPRouteParentRefPort, Features.HTTPRouteResponseHeaderModification], false, V13),
        new("MeshConsumerRoute", [Features.Mesh, Features.MeshConsumerRoute, Features.HTTPRoute, Features.HTTPRouteResponseHeaderModification], false, V13),
        new("MeshHTTPRouteSimpleSameNamespace", [Features.Mesh, Features.HTTPRoute], false, V14),
        new("MeshHTTPRouteMatching", [Features.Mesh, Features.HTTPRoute], false, V14),
        new("MeshHTTPRouteQueryParamMatching", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteQueryParamMatching], false, V14),
        new("MeshHTTPRouteRequestHeaderModifier", [Features.Mesh, Features.HTTPRoute], false, V14),
        new("MeshHTTPRouteBackendRequestHeaderModifier", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteBackendRequestHeaderModification], false, V14),
        new("MeshHTTPRouteWeight", [Features.Mesh, Features.HTTPRoute], false, V14),
        new("MeshHTTPRouteRedirectHostAndStatus", [Features.Mesh, Features.HTTPRoute], false, V14),
        new("MeshHTTPRouteRedirectPath", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteRedirectPath], false, V14),
        new("MeshHTTPRouteRedirectPort", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteRedirectPort], false, V14),
        new("MeshHTTPRouteSchemeRedirect", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteSchemeRedirect], false, V14),
        new("MeshHTTPRouteRewritePath", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteRewritePath], false, V14),
        new("MeshHTTPRouteNamedRule", [Features.Mesh, Features.HTTPRoute, Features.MeshHTTPRouteNamedRouteRule], true, V14),
        new("MeshGRPCRouteWeight", [Features.Mesh, Features.GRPCRoute], false, V14),
        new("MeshGRPCRouteRequestHeaderModifier", [Features.Mesh, Features.GRPCRoute], false, Main),
        new("MeshGRPCRouteRequestMirror", [Features.Mesh, Features.GRPCRoute, Features.GRPCRouteRequestMirror], false, Main),
        new("MeshHTTPRoute303Redirect", [Features.Mesh, Features.HTTPRoute, Features.HTTPRoute303RedirectStatusCode], true, Main),
        new("MeshHTTPRoute307Redirect", [Features.Mesh, Features.HTTPRoute, Features.HTTPRoute307RedirectStatusCode], true, Main),
        new("MeshHTTPRoute308Redirect", [Features.Mesh, Features.HTTPRoute, Features.HTTPRoute308RedirectStatusCode], true, Main),
    ];

    public static UpstreamTest Get(string shortName) =>
        All.FirstOrDefault(t => t.ShortName == shortName) ?? throw new ArgumentException($"{shortName} is not an upstream Mesh test this suite knows");
}
