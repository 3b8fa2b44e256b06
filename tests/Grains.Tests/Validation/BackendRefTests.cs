using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>backendRefs and the mirror's backendRef: "Must have port for Service reference", weight, mirror fraction.</summary>
public class BackendRefTests
{
    private const string Backend = "spec.rules[0].backendRefs[0]";
    private const string Mirror = "spec.rules[0].filters[2].requestMirror";

    [Theory]
    [InlineData("""{"name": "b"}""")] // group "" and kind Service by default
    [InlineData("""{"group": "", "kind": "Service", "name": "b"}""")]
    [InlineData("""{"kind": "Service", "name": "b", "weight": 1}""")]
    public void A_Service_reference_needs_a_port(string backendRef) =>
        AssertHas(Validate("HTTPRoute", Backend, backendRef), Backend, "FieldValueInvalid", "Invalid value: \"object\": Must have port for Service reference");

    [Theory]
    [InlineData("""{"group": "multicluster.x-k8s.io", "kind": "ServiceImport", "name": "b"}""")]
    [InlineData("""{"group": "example.com", "kind": "Service", "name": "b"}""")] // not the core group
    [InlineData("""{"kind": "Backend", "name": "b"}""")]
    public void Other_references_need_no_port(string backendRef) => AssertValid(Validate("HTTPRoute", Backend, backendRef));

    [Theory]
    [InlineData(Backend + ".name", null, Backend + ".name", "FieldValueRequired", "Required value")]
    [InlineData(Backend + ".port", "0", Backend + ".port", "FieldValueInvalid", "should be greater than or equal to 1")]
    [InlineData(Backend + ".port", "65536", Backend + ".port", "FieldValueInvalid", "should be less than or equal to 65535")]
    [InlineData(Backend + ".namespace", "'Other'", Backend + ".namespace", "FieldValueInvalid", "should match")]
    [InlineData(Backend + ".kind", "'Service!'", Backend + ".kind", "FieldValueInvalid", "should match")]
    [InlineData(Mirror + ".backendRef", null, Mirror + ".backendRef", "FieldValueRequired", "Required value")]
    [InlineData(Mirror + ".backendRef.port", null, Mirror + ".backendRef", "FieldValueInvalid", "Must have port for Service reference")]
    [InlineData(Mirror + ".percent", "101", Mirror + ".percent", "FieldValueInvalid", "should be less than or equal to 100")]
    [InlineData(Mirror + ".percent", "-1", Mirror + ".percent", "FieldValueInvalid", "should be greater than or equal to 0")]
    [InlineData(Mirror + ".fraction", """{"numerator": 1}""", Mirror, "FieldValueInvalid", "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": 11, "denominator": 10}}""", Mirror + ".fraction", "FieldValueInvalid", "numerator must be less than or equal to denominator")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": 101}}""", Mirror + ".fraction", "FieldValueInvalid", "numerator must be less than or equal to denominator")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": 0, "denominator": 0}}""", Mirror + ".fraction.denominator", "FieldValueInvalid", "should be greater than or equal to 1")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": -1}}""", Mirror + ".fraction.numerator", "FieldValueInvalid", "should be greater than or equal to 0")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"denominator": 10}}""", Mirror + ".fraction.numerator", "FieldValueRequired", "Required value")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": 100}}""")] // denominator 100 by default
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}, "fraction": {"numerator": 10, "denominator": 10}}""")]
    [InlineData(Mirror, """{"backendRef": {"name": "s", "port": 1}}""")]
    [InlineData(Mirror + ".percent", "0")]
    [InlineData(Mirror + ".percent", "100")]
    [InlineData(Backend + ".weight", null)]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    [Fact]
    public void At_most_16_backends() =>
        AssertItemLimit("HTTPRoute", "spec.rules[2].backendRefs", """{"name": "b-{0}", "port": 80}""", 16);
}
