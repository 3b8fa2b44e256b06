namespace Mesh.Grains.Validation;

/// <summary>SessionPersistence (experimental; HTTPRoute and GRPCRoute rules).</summary>
internal static class SessionPersistenceRules
{
    private static readonly string[] Types = ["Cookie", "Header"];
    private static readonly string[] LifetimeTypes = ["Permanent", "Session"];

    public static void Validate(Cursor session)
    {
        var obj = session.ReadObject();
        if (obj is null)
        {
            return;
        }
        session.Field("sessionName").ReadString(Formats.SessionName);
        session.Field("absoluteTimeout").ReadString(Formats.Duration);
        session.Field("idleTimeout").ReadString(Formats.Duration);
        session.Field("type").ReadEnum(Types);
        var cookieConfig = session.Field("cookieConfig");
        var cookie = cookieConfig.ReadObject();
        cookieConfig.Field("lifetimeType").ReadEnum(LifetimeTypes);

        session.Rule("AbsoluteTimeout must be specified when cookie lifetimeType is Permanent",
            () => Json.Text(cookie?["lifetimeType"]) != "Permanent" || obj["absoluteTimeout"] is not null);
        // type defaults to Cookie.
        session.Rule("cookieConfig can only be set with type Cookie",
            () => cookie is null || (Json.Text(obj["type"]) ?? "Cookie") == "Cookie");
    }
}
