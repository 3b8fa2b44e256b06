using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

public class ReferenceGrantValidationTests
{
    [Theory]
    [InlineData("spec.from", null, "spec.from", "FieldValueRequired", "Required value")]
    [InlineData("spec.to", null, "spec.to", "FieldValueRequired", "Required value")]
    [InlineData("spec.from", "[]", "spec.from", "FieldValueInvalid", "Invalid value: 0: should have at least 1 items")]
    [InlineData("spec.to", "[]", "spec.to", "FieldValueInvalid", "should have at least 1 items")]
    [InlineData("spec.from[0].group", null, "spec.from[0].group", "FieldValueRequired", "Required value")]
    [InlineData("spec.from[0].kind", null, "spec.from[0].kind", "FieldValueRequired", "Required value")]
    [InlineData("spec.from[0].namespace", null, "spec.from[0].namespace", "FieldValueRequired", "Required value")]
    [InlineData("spec.from[0].namespace", "'Front_End'", "spec.from[0].namespace", "FieldValueInvalid", "should match")]
    [InlineData("spec.from[0].kind", "'HTTP Route'", "spec.from[0].kind", "FieldValueInvalid", "should match")]
    [InlineData("spec.to[0].group", "'Core'", "spec.to[0].group", "FieldValueInvalid", "should match")]
    [InlineData("spec.to[0].kind", "''", "spec.to[0].kind", "FieldValueInvalid", "should be at least 1 chars long")]
    [InlineData("spec.to[0].name", "''", "spec.to[0].name", "FieldValueInvalid", "should be at least 1 chars long")]
    [InlineData("spec.from", "{}", "spec.from", "FieldValueTypeInvalid", "must be of type array")]
    [InlineData("metadata.name", "'Allow'", "metadata.name", "FieldValueInvalid", "RFC 1123 subdomain")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("ReferenceGrant", path, value), field, reason, message);

    [Theory]
    [InlineData("spec.to[0].name", null)] // every Service of the namespace
    [InlineData("spec.from[0].group", "''")]
    public void Accepts(string path, string? value) => AssertValid(Validate("ReferenceGrant", path, value));

    [Theory]
    [InlineData("spec.from", """{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "ns-{0}"}""")]
    [InlineData("spec.to", """{"group": "", "kind": "Service", "name": "s-{0}"}""")]
    public void Both_lists_have_at_most_16_entries(string path, string item) => AssertItemLimit("ReferenceGrant", path, item, 16);
}
