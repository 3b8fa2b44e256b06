using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>HTTPRequestRedirectFilter, HTTPURLRewriteFilter and their HTTPPathModifier.</summary>
internal static class RedirectRewriteRules
{
    private static readonly string[] Schemes = ["http", "https"];
    private static readonly string[] PathModifierTypes = ["ReplaceFullPath", "ReplacePrefixMatch"];

    // v1.4's CRD allows 301 and 302 only; newer releases add 303, 307 and 308, which the conformance suite tests.
    private static readonly long[] StatusCodes = [301, 302, 303, 307, 308];

    public static void Redirect(Cursor redirect)
    {
        if (redirect.ReadObject() is null)
        {
            return;
        }
        redirect.Field("scheme").ReadEnum(Schemes);
        redirect.Field("hostname").ReadString(Formats.PreciseHostname);
        PathModifier(redirect.Field("path"));
        redirect.Field("port").ReadInteger(1, 65535);
        redirect.Field("statusCode").ReadIntegerEnum(StatusCodes);
    }

    public static void Rewrite(Cursor rewrite)
    {
        if (rewrite.ReadObject() is null)
        {
            return;
        }
        rewrite.Field("hostname").ReadString(Formats.PreciseHostname);
        PathModifier(rewrite.Field("path"));
    }

    private static void PathModifier(Cursor path)
    {
        var obj = path.ReadObject();
        if (obj is null)
        {
            return;
        }
        path.Field("type").ReadEnum(PathModifierTypes, required: true);
        path.Field("replaceFullPath").ReadString(Formats.PathModifierValue);
        path.Field("replacePrefixMatch").ReadString(Formats.PathModifierValue);
        TypeAgreesWithField(path, obj, "ReplaceFullPath", "replaceFullPath");
        TypeAgreesWithField(path, obj, "ReplacePrefixMatch", "replacePrefixMatch");
    }

    private static void TypeAgreesWithField(Cursor path, JsonObject obj, string type, string field)
    {
        path.Rule($"{field} must be specified when type is set to '{type}'",
            () => Json.Text(obj["type"]) != type || obj[field] is not null);
        path.Rule($"type must be '{type}' when {field} is set",
            () => obj[field] is null || Json.Text(obj["type"]) == type);
    }
}
