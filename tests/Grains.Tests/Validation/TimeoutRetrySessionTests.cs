using static Mesh.Grains.Tests.Validation.Mutation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>Timeouts, retry (with the v1.6 uniqueness and minimum) and session persistence.</summary>
public class TimeoutRetrySessionTests
{
    private const string Timeouts = "spec.rules[0].timeouts";
    private const string Retry = "spec.rules[0].retry";
    private const string Session = "spec.rules[0].sessionPersistence";

    [Theory]
    [InlineData("10s", "11s")]
    [InlineData("1m", "61s")]
    [InlineData("1s", "1001ms")]
    public void The_backend_timeout_cannot_exceed_the_request_timeout(string request, string backendRequest) =>
        AssertHas(Validate("HTTPRoute", Timeouts, $$"""{"request": "{{request}}", "backendRequest": "{{backendRequest}}"}"""),
            Timeouts, "FieldValueInvalid", "backendRequest timeout cannot be longer than request timeout");

    [Theory]
    [InlineData("10s", "10s")]
    [InlineData("1m", "60s")]
    [InlineData("0s", "1h")] // 0s disables the request timeout
    [InlineData("1h", "0s")]
    public void Accepts_backend_timeouts_within_the_request_timeout(string request, string backendRequest) =>
        AssertValid(Validate("HTTPRoute", Timeouts, $$"""{"request": "{{request}}", "backendRequest": "{{backendRequest}}"}"""));

    [Theory]
    [InlineData(Retry + ".codes", "[500, 600]", Retry + ".codes[1]", "FieldValueInvalid", "should be less than or equal to 599")]
    [InlineData(Retry + ".codes", "[399]", Retry + ".codes[0]", "FieldValueInvalid", "should be greater than or equal to 400")]
    [InlineData(Retry + ".codes", "[500, 503, 500]", Retry + ".codes[2]", "FieldValueDuplicate", "Duplicate value: 500")]
    [InlineData(Retry + ".codes", "[\"500\"]", Retry + ".codes[0]", "FieldValueTypeInvalid", "must be of type integer")]
    [InlineData(Retry + ".attempts", "0", Retry + ".attempts", "FieldValueInvalid", "should be greater than or equal to 1")]
    [InlineData(Retry + ".backoff", "'1x'", Retry + ".backoff", "FieldValueInvalid", "should match")]
    [InlineData(Session + ".type", "'IP'", Session + ".type", "FieldValueNotSupported", "supported values: \"Cookie\", \"Header\"")]
    [InlineData(Session + ".cookieConfig.lifetimeType", "'Forever'", Session + ".cookieConfig.lifetimeType", "FieldValueNotSupported", "supported values: \"Permanent\", \"Session\"")]
    [InlineData(Session + ".absoluteTimeout", null, Session, "FieldValueInvalid", "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")]
    [InlineData(Session + ".type", "'Header'", Session, "FieldValueInvalid", "cookieConfig can only be set with type Cookie")]
    [InlineData(Session + ".absoluteTimeout", "'1y'", Session + ".absoluteTimeout", "FieldValueInvalid", "should match")]
    [InlineData(Session + ".idleTimeout", "'soon'", Session + ".idleTimeout", "FieldValueInvalid", "should match")]
    public void Rejects(string path, string? value, string field, string reason, string message) =>
        AssertHas(Validate("HTTPRoute", path, value), field, reason, message);

    [Theory]
    [InlineData(Retry + ".attempts", "1")]
    [InlineData(Retry + ".codes", "[400, 599]")]
    [InlineData(Retry, "{}")]
    [InlineData(Session + ".cookieConfig", """{"lifetimeType": "Session"}""")]
    [InlineData(Session, """{"cookieConfig": {"lifetimeType": "Session"}}""")] // type defaults to Cookie
    [InlineData(Session, """{"type": "Header"}""")]
    public void Accepts(string path, string? value) => AssertValid(Validate("HTTPRoute", path, value));

    [Fact]
    public void A_session_name_has_at_most_128_characters()
    {
        AssertValid(Validate("HTTPRoute", Session + ".sessionName", Text(128)));
        AssertHas(Validate("HTTPRoute", Session + ".sessionName", Text(129)), Session + ".sessionName", "FieldValueTooLong", "may not be longer than 128");
    }
}
