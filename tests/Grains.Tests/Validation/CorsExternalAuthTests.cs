using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>The experimental CORS and ExternalAuth filters.</summary>
public class CorsExternalAuthTests
{
    private const string Cors = "spec.rules[2].filters[0].cors";
    private const string Auth = "spec.rules[2].filters[1].externalAuth";

    [Theory]
    [InlineData(Cors + ".allowOrigins", """["*", "https://a.example"]""", Cors + ".allowOrigins", "FieldValueInvalid", "Invalid value: \"array\": AllowOrigins cannot contain '*' alongside other origins")]
    [InlineData(Cors + ".allowOrigins", """["app.example.com"]""", Cors + ".allowOrigins[0]", "FieldValueInvalid", "should match '(^\\*$)|(^([a-zA-Z][a-zA-Z0-9+\\-.]+):\\/\\/([^:/?#]+)(:([0-9]{1,5}))?$)'")]
    [InlineData(Cors + ".allowOrigins", """["https://a.example/path"]""", Cors + ".allowOrigins[0]", "FieldValueInvalid", "should match")]
    [InlineData(Cors + ".allowOrigins", """["https://a", "https://a"]""", Cors + ".allowOrigins[1]", "FieldValueDuplicate", "Duplicate value: \"https://a\"")]
    [InlineData(Cors + ".allowMethods", """["*", "GET"]""", Cors + ".allowMethods", "FieldValueInvalid", "AllowMethods cannot contain '*' alongside other methods")]
    [InlineData(Cors + ".allowMethods", """["get"]""", Cors + ".allowMethods[0]", "FieldValueNotSupported", "\"PATCH\", \"*\"")]
    [InlineData(Cors + ".allowHeaders", """[":authority"]""", Cors + ".allowHeaders[0]", "FieldValueInvalid", "should match")]
    [InlineData(Cors + ".exposeHeaders", """["x", "x"]""", Cors + ".exposeHeaders[1]", "FieldValueDuplicate", "Duplicate value")]
    [InlineData(Cors + ".maxAge", "0", Cors + ".maxAge", "FieldValueInvalid", "should be greater than or equal to 1")]
    [InlineData(Auth + ".protocol", null, Auth + ".protocol", "FieldValueRequired", "Required value")]
    [InlineData(Auth + ".protocol", "'TCP'", Auth + ".protocol", "FieldValueNotSupported", "supported values: \"HTTP\", \"GRPC\"")]
    [InlineData(Auth + ".protocol", "'GRPC'", Auth, "FieldValueInvalid", "grpc must be specified when protocol is set to 'GRPC'")]
    [InlineData(Auth + ".protocol", "'GRPC'", Auth, "FieldValueInvalid", "protocol must be 'HTTP' when http is set")]
    [InlineData(Auth + ".http", null, Auth, "FieldValueInvalid", "http must be specified when protocol is set to 'HTTP'")]
    [InlineData(Auth + ".grpc", "{}", Auth, "FieldValueInvalid", "protocol must be 'GRPC' when grpc is set")]
    [InlineData(Auth + ".backendRef", null, Auth + ".backendRef", "FieldValueRequired", "Required value")]
    [InlineData(Auth + ".backendRef.port", null, Auth + ".backendRef", "FieldValueInvalid", "Must have port for Service reference")]
    [InlineData(Auth + ".http.path", "'/a b'", Auth + ".http.path", "FieldValueInvalid", "should match")]
    [InlineData(Auth + ".http.allowedHeaders", """["a", "a"]""", Auth + ".http.allowedHeaders[1]", "FieldValueDuplicate", "Duplicate value")]
    [InlineData(Auth + ".forwardBody.maxSize", "'big'", Auth + ".forwardBody.maxSize", "FieldValueTypeInvalid", "must be of type integer")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData(Cors + ".allowOrigins", """["*"]""")]
    [InlineData(Cors + ".allowOrigins", """["https://*.example.com:8443", "http://127.0.0.1"]""")]
    [InlineData(Cors + ".allowMethods", """["*"]""")]
    [InlineData(Cors + ".allowCredentials", "false")]
    [InlineData(Auth + ".http", "{}")]
    [InlineData(Auth + ".http.path", "'check'")]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    public static TheoryData<string, string, int> Limits => new()
    {
        { Cors + ".allowOrigins", "\"https://o{0}.example\"", 64 },
        { Cors + ".allowHeaders", "\"h-{0}\"", 64 },
        { Cors + ".exposeHeaders", "\"h-{0}\"", 64 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Lists_have_item_limits(string path, string item, int max) => AssertItemLimit("HTTPRoute", path, item, max);

    [Fact]
    public void At_most_9_methods() =>
        AssertHas(Validate("HTTPRoute", Cors + ".allowMethods", """["GET","HEAD","POST","PUT","DELETE","CONNECT","OPTIONS","TRACE","PATCH","*"]"""),
            Cors + ".allowMethods", "FieldValueTooMany", "must have at most 9 items");

    [Fact]
    public void External_auth_header_names_have_at_most_64_characters()
    {
        AssertValid(Validate("HTTPRoute", Auth + ".http.allowedResponseHeaders[0]", Text(64)));
        AssertHas(Validate("HTTPRoute", Auth + ".http.allowedResponseHeaders[0]", Text(65)),
            Auth + ".http.allowedResponseHeaders[0]", "FieldValueTooLong", "may not be longer than 64");
    }
}
