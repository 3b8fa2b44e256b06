using System.Text;
using Mesh.Gateway.Forwarding.Http1;

namespace Mesh.Gateway.Tests.Http1;

/// <summary>Common header values read again without allocating, and never one value for another.</summary>
public sealed class FieldValueCacheTests
{
    private const string ContentType = "Content-Type"; // Interned, as the parsers' common names are.

    [Fact]
    public void The_same_bytes_under_the_same_name_give_the_same_string()
    {
        var first = FieldValueCache.Get(ContentType, "text/plain; charset=utf-8"u8);
        var again = FieldValueCache.Get(ContentType, "text/plain; charset=utf-8"u8);

        Assert.Equal("text/plain; charset=utf-8", first);
        Assert.Same(first, again);
    }

    [Fact]
    public void Other_bytes_give_their_own_string_even_when_they_share_a_slot()
    {
        // Same length, same first and last eight bytes: the slot is shared, the values are not.
        var a = FieldValueCache.Get(ContentType, "abcdefgh-1-stuvwxyz"u8);
        var b = FieldValueCache.Get(ContentType, "abcdefgh-2-stuvwxyz"u8);
        var aAgain = FieldValueCache.Get(ContentType, "abcdefgh-1-stuvwxyz"u8);

        Assert.Equal(("abcdefgh-1-stuvwxyz", "abcdefgh-2-stuvwxyz", "abcdefgh-1-stuvwxyz"), (a, b, aAgain));
    }

    [Fact]
    public void A_value_kept_for_one_name_is_not_given_for_another()
    {
        var asType = FieldValueCache.Get(ContentType, "same"u8);
        var asOther = FieldValueCache.Get(new string("X-Other".AsSpan()), "same"u8);

        Assert.Equal("same", asOther);
        Assert.Same(asType, FieldValueCache.Get(ContentType, "same"u8));
    }

    [Fact]
    public void Long_values_are_read_but_not_kept()
    {
        var cookie = Encoding.ASCII.GetBytes(new string('c', 200));

        var first = FieldValueCache.Get(ContentType, cookie);
        var again = FieldValueCache.Get(ContentType, cookie);

        Assert.Equal(new string('c', 200), again);
        Assert.NotSame(first, again);
        Assert.Same("", FieldValueCache.Get(ContentType, ""u8));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("Set-Cookie")]
    [InlineData("traceparent")]
    [InlineData("X-Request-Id")]
    public void Credentials_and_per_request_ids_are_never_kept(string name)
    {
        var first = FieldValueCache.Get(name, "Bearer abc.def"u8);
        var again = FieldValueCache.Get(name, "Bearer abc.def"u8);

        Assert.Equal("Bearer abc.def", again);
        Assert.NotSame(first, again);
    }
}
