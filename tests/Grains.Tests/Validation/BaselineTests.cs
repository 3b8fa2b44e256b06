using Mesh.Grains.Validation;
using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

public class BaselineTests
{
    [Theory]
    [InlineData("HTTPRoute")]
    [InlineData("GRPCRoute")]
    [InlineData("ReferenceGrant")]
    public void The_baselines_are_valid(string kind) => AssertValid(Validate(kind));

    [Theory]
    [InlineData("HTTPRoute", true)]
    [InlineData("GRPCRoute", true)]
    [InlineData("ReferenceGrant", true)]
    [InlineData("Service", false)]
    [InlineData("httproute", false)]
    public void It_handles_the_three_Gateway_API_kinds(string kind, bool handled) => Assert.Equal(handled, GatewayApiValidation.Handles(kind));

    [Fact]
    public void Kinds_it_does_not_handle_have_no_errors() =>
        Assert.Empty(GatewayApiValidation.Validate("Service", Parse("""{"spec": 5}""")));

    [Theory]
    [InlineData("HTTPRoute")]
    [InlineData("GRPCRoute")]
    [InlineData("ReferenceGrant")]
    public void Spec_is_required(string kind) => AssertHas(Validate(kind, "spec", null), "spec", "FieldValueRequired", "Required value");
}
