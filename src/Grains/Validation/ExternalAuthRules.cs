using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>HTTPExternalAuthFilter (experimental, new in v1.4).</summary>
internal static class ExternalAuthRules
{
    private static readonly string[] Protocols = ["HTTP", "GRPC"];

    public static void Validate(Cursor auth)
    {
        var obj = auth.ReadObject();
        if (obj is null)
        {
            return;
        }
        auth.Field("protocol").ReadEnum(Protocols, required: true);
        BackendRefRules.ObjectReference(auth.Field("backendRef"), required: true);

        var grpc = auth.Field("grpc");
        if (grpc.ReadObject() is not null)
        {
            HeaderSet(grpc.Field("allowedHeaders"));
        }
        var http = auth.Field("http");
        if (http.ReadObject() is not null)
        {
            http.Field("path").ReadString(Formats.AuthPath);
            HeaderSet(http.Field("allowedHeaders"));
            HeaderSet(http.Field("allowedResponseHeaders"));
        }
        var forwardBody = auth.Field("forwardBody");
        if (forwardBody.ReadObject() is not null)
        {
            forwardBody.Field("maxSize").AsInteger();
        }

        ProtocolAgreesWithConfig(auth, obj, "GRPC", "grpc");
        ProtocolAgreesWithConfig(auth, obj, "HTTP", "http");
    }

    // The Go marker MaxLength=64 on these string lists applies to each item; the lists themselves are sets.
    private static void HeaderSet(Cursor list)
    {
        if (list.ReadList(int.MaxValue) is null)
        {
            return;
        }
        foreach (var header in list.Items())
        {
            header.ReadString(Formats.AuthHeader);
        }
        list.UniqueValues();
    }

    private static void ProtocolAgreesWithConfig(Cursor auth, JsonObject obj, string protocol, string config)
    {
        auth.Rule($"{config} must be specified when protocol is set to '{protocol}'",
            () => Json.Text(obj["protocol"]) != protocol || obj[config] is not null);
        auth.Rule($"protocol must be '{protocol}' when {config} is set",
            () => obj[config] is null || Json.Text(obj["protocol"]) == protocol);
    }
}
