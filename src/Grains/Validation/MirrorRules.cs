namespace Mesh.Grains.Validation;

/// <summary>HTTPRequestMirrorFilter (also GRPCRoute's requestMirror).</summary>
internal static class MirrorRules
{
    public static void Validate(Cursor mirror)
    {
        var obj = mirror.ReadObject();
        if (obj is null)
        {
            return;
        }
        BackendRefRules.ObjectReference(mirror.Field("backendRef"), required: true);
        mirror.Field("percent").ReadInteger(0, 100);
        Fraction(mirror.Field("fraction"));
        mirror.Rule("Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
            () => obj["percent"] is null || obj["fraction"] is null);
    }

    private static void Fraction(Cursor fraction)
    {
        var obj = fraction.ReadObject();
        if (obj is null)
        {
            return;
        }
        fraction.Field("numerator").ReadInteger(0, required: true);
        fraction.Field("denominator").ReadInteger(1);
        // denominator defaults to 100
        fraction.Rule("numerator must be less than or equal to denominator",
            () => Json.Integer(obj["numerator"]) <= (Json.Integer(obj["denominator"]) ?? 100));
    }
}
