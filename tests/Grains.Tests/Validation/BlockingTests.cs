using Mesh.Grains.Validation;
using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>
/// Like the API server, CEL rules run only when the schema pass found no blocking error (type, required,
/// enum, maxLength, maxItems); pattern, length minimum and range errors do not block them.
/// </summary>
public class BlockingTests
{
    private const string Skipped = "some validation rules were not checked because the object was invalid";
    private const string TimeoutRule = "backendRequest timeout cannot be longer than request timeout";

    private static IReadOnlyList<FieldError> WithTimeoutViolationAnd(string path, string? value) => GatewayApiValidation.Validate("HTTPRoute",
        Parse(Baselines.HttpRoute).With("spec.rules[0].timeouts.backendRequest", "'1h'").With(path, value));

    public static TheoryData<string, string?> BlockingEdits => new()
    {
        { "spec.rules[0].backendRefs[0].weight", "'x'" }, // type
        { "spec.rules[0].backendRefs[0].name", null }, // required
        { "spec.rules[0].matches[0].method", "'get'" }, // enum
        { "spec.hostnames[0]", Text(254) }, // maxLength
        { "spec.hostnames", Array(17, i => $"\"h{i}.example\"") }, // maxItems
    };

    [Theory]
    [MemberData(nameof(BlockingEdits))]
    public void Blocking_errors_skip_the_rules(string path, string? value)
    {
        var errors = WithTimeoutViolationAnd(path, value);
        Assert.DoesNotContain(errors, e => e.Message.Contains(TimeoutRule, StringComparison.Ordinal));
        var last = errors[^1];
        Assert.Equal(("", "FieldValueInvalid"), (last.Field, last.Reason));
        Assert.Contains(Skipped, last.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spec.hostnames[0]", "'Not.Lower'")] // pattern
    [InlineData("spec.parentRefs[0].port", "0")] // range
    [InlineData("spec.rules[0].matches[0].headers[1]", """{"name": "x-env", "value": "b"}""")] // duplicate map key
    public void Other_errors_leave_the_rules_running(string path, string? value)
    {
        var errors = WithTimeoutViolationAnd(path, value);
        Assert.Equal(2, errors.Count);
        AssertHas(errors, "spec.rules[0].timeouts", "FieldValueInvalid", TimeoutRule);
    }
}
