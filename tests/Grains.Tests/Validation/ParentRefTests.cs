using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>spec.parentRefs: limits and the experimental channel's port-aware uniqueness (rules 3 and 4).</summary>
public class ParentRefTests
{
    private const string Specified = "sectionName or port must be specified when parentRefs includes 2 or more references to the same parent";
    private const string Unique = "sectionName or port must be unique when parentRefs includes 2 or more references to the same parent";

    [Theory]
    // the baseline's [0] is {group "", kind Service, name echo, port 80}
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "port": 80}""", Unique)]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo"}""", Specified)]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "sectionName": "http"}""", Specified)]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "port": 80, "sectionName": "http"}""", Specified)]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "namespace": "", "port": 80}""", Unique)] // "" namespace is unset
    public void Rejects_a_second_reference_to_the_same_parent_that_is_not_distinct(string second, string message) =>
        AssertHas(Validate("HTTPRoute", "spec.parentRefs[1]", second), "spec.parentRefs", "FieldValueInvalid", message);

    [Theory]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "port": 8080}""")] // another port of the Service
    [InlineData("""{"group": "", "kind": "Service", "name": "other", "port": 80}""")]
    [InlineData("""{"group": "", "kind": "Service", "name": "echo", "namespace": "elsewhere", "port": 80}""")]
    [InlineData("""{"name": "echo", "port": 80}""")] // defaults make it a Gateway, another parent
    public void Accepts_distinct_references(string second) => AssertValid(Validate("HTTPRoute", "spec.parentRefs[1]", second));

    [Fact]
    public void Compares_references_with_their_defaults_applied()
    {
        var route = Parse(Baselines.HttpRoute)
            .With("spec.parentRefs", """[{"name": "gw"}, {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}]""");
        AssertHas(Mesh.Grains.Validation.GatewayApiValidation.Validate("HTTPRoute", route), "spec.parentRefs", "FieldValueInvalid", Unique);
    }

    [Theory]
    [InlineData("spec.parentRefs[0].name", null, "spec.parentRefs[0].name", "FieldValueRequired", "Required value")]
    [InlineData("spec.parentRefs[0]", "[]", "spec.parentRefs[0]", "FieldValueTypeInvalid", "must be of type object")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Fact]
    public void At_most_32()
    {
        string Refs(int count) => Array(count, i => $$"""{"group": "", "kind": "Service", "name": "svc-{{i}}"}""");
        AssertValid(Validate("HTTPRoute", "spec.parentRefs", Refs(32)));
        AssertHas(Validate("HTTPRoute", "spec.parentRefs", Refs(33)), "spec.parentRefs", "FieldValueTooMany", "Too many: 33: must have at most 32 items");
    }
}
