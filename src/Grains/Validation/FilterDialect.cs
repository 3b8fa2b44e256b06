namespace Mesh.Grains.Validation;

/// <summary>One filter type of a route kind: its discriminator value, the member holding its settings, and that member's schema.</summary>
internal sealed record FilterMember(string Type, string Member, Action<Cursor> Validate);

/// <summary>The filters one route kind allows (HTTPRouteFilter or GRPCRouteFilter) and the CEL on its filter lists.</summary>
internal sealed record FilterDialect(IReadOnlyList<FilterMember> Members, IReadOnlyList<string> NotRepeatable, bool RedirectExcludesRewrite)
{
    public IReadOnlyList<string> Types { get; } = Members.Select(m => m.Type).ToList();

    /// <summary>
    /// The experimental v1.4 HTTPRouteFilter, in the CRD's order. CORS is not repeatable, as from v1.6; the
    /// other two repeatable types are RequestMirror and ExtensionRef (ExternalAuth is not restricted by the CRD).
    /// </summary>
    public static readonly FilterDialect Http = new(
        [
            new("RequestHeaderModifier", "requestHeaderModifier", HeaderModifierRules.Validate),
            new("ResponseHeaderModifier", "responseHeaderModifier", HeaderModifierRules.Validate),
            new("RequestMirror", "requestMirror", MirrorRules.Validate),
            new("RequestRedirect", "requestRedirect", RedirectRewriteRules.Redirect),
            new("URLRewrite", "urlRewrite", RedirectRewriteRules.Rewrite),
            new("CORS", "cors", CorsRules.Validate),
            new("ExternalAuth", "externalAuth", ExternalAuthRules.Validate),
            new("ExtensionRef", "extensionRef", FilterRules.ExtensionRef),
        ],
        ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "CORS"],
        RedirectExcludesRewrite: true);

    /// <summary>GRPCRouteFilter: gRPC has no redirect or rewrite.</summary>
    public static readonly FilterDialect Grpc = new(
        [
            new("ResponseHeaderModifier", "responseHeaderModifier", HeaderModifierRules.Validate),
            new("RequestHeaderModifier", "requestHeaderModifier", HeaderModifierRules.Validate),
            new("RequestMirror", "requestMirror", MirrorRules.Validate),
            new("ExtensionRef", "extensionRef", FilterRules.ExtensionRef),
        ],
        ["RequestHeaderModifier", "ResponseHeaderModifier"],
        RedirectExcludesRewrite: false);
}
