using System.Text;
using Mesh.Gateway.Front.Http2;

namespace Mesh.Gateway.Tests.Http2;

/// <summary>
/// The HPACK encoder for responses: the exact bytes it writes, the characters it refuses, and a round trip through
/// <see cref="HpackDecoder"/>.
/// </summary>
public sealed class HpackEncoderTests
{
    [Theory]
    [InlineData(200, "88", 8)]
    [InlineData(204, "89", 9)]
    [InlineData(206, "8a", 10)]
    [InlineData(304, "8b", 11)]
    [InlineData(400, "8c", 12)]
    [InlineData(404, "8d", 13)]
    [InlineData(500, "8e", 14)]
    [InlineData(302, "0803 333032", 8)] // Without indexing, static name 8, raw "302".
    [InlineData(100, "0803 313030", 8)]
    [InlineData(503, "0803 353033", 8)]
    [InlineData(999, "0803 393939", 8)]
    public void A_status_is_indexed_when_the_static_table_has_it_else_a_literal(int status, string expected, int staticIndex)
    {
        var destination = new byte[16];

        Assert.True(HpackEncoder.TryWriteStatus(status, destination, out var written));

        Assert.Equal(HpackDecoderTests.Hex(expected), destination[..written]);
        Assert.Equal([(staticIndex, ":status", status.ToString())], Decode(destination[..written]));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(1000)]
    [InlineData(-200)]
    public void A_status_that_is_not_three_digits_is_refused(int status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HpackEncoder.TryWriteStatus(status, new byte[16], out _));
    }

    [Theory]
    [InlineData(200, 0)]
    [InlineData(302, 4)]
    public void A_status_without_room_writes_nothing(int status, int room)
    {
        Assert.False(HpackEncoder.TryWriteStatus(status, new byte[room], out var written));
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData("Content-Type", "text/plain", "0f10 0a 746578742f706c61696e")] // Name index 31: 15 on the prefix, then 16.
    [InlineData("content-type", "text/plain", "0f10 0a 746578742f706c61696e")]
    [InlineData("ACCEPT-CHARSET", "", "0f00 00")] // Index 15: the prefix full, then 0.
    [InlineData("www-authenticate", "Basic", "0f2e 05 4261736963")] // Index 61, the last.
    [InlineData("Set-Cookie", "a=b; Path=/", "0f28 0b 613d623b20506174683d2f")] // Index 55.
    public void A_field_whose_name_is_in_the_static_table_is_written_under_its_index(string name, string value, string expected)
    {
        var destination = new byte[64];

        Assert.True(HpackEncoder.TryWriteField(name, value, destination, out var written));

        Assert.Equal(HpackDecoderTests.Hex(expected), destination[..written]);
    }

    [Fact]
    public void Every_static_name_in_any_case_is_found_under_its_first_index()
    {
        for (var index = 1; index <= HpackStaticTable.Count; index++)
        {
            var name = System.Text.Encoding.ASCII.GetString(HpackStaticTable.Name(index));
            var first = Enumerable.Range(1, index).First(i => HpackStaticTable.Name(i).SequenceEqual(HpackStaticTable.Name(index)));

            Assert.Equal(first, HpackStaticTable.IndexOfName(name));
            Assert.Equal(first, HpackStaticTable.IndexOfName(name.ToUpperInvariant()));
        }
    }

    [Theory]
    [InlineData("content-tape")] // The length and last letter of content-type.
    [InlineData("datE2")]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("\u00e9tag")]
    public void A_name_only_like_a_static_one_has_no_index(string name) => Assert.Equal(0, HpackStaticTable.IndexOfName(name));

    [Fact]
    public void A_name_the_static_table_lacks_is_written_out_lowercased()
    {
        var destination = new byte[64];

        Assert.True(HpackEncoder.TryWriteField("X-Request-ID", "Abc", destination, out var written));

        Assert.Equal(HpackDecoderTests.Hex("00 0c 782d726571756573742d6964 03 416263"), destination[..written]);
        Assert.Equal([(0, "x-request-id", "Abc")], Decode(destination[..written]));
    }

    [Fact]
    public void A_value_of_127_bytes_or_more_has_its_length_continued_past_the_prefix()
    {
        var value = new string('v', 300);
        var destination = new byte[400];

        Assert.True(HpackEncoder.TryWriteField("x-long", value, destination, out var written));

        // 300 = 127 + 173: 0x7f, then 173 as 0xad (45 | continue) and 0x01.
        Assert.Equal(HpackDecoderTests.Hex("00 06 782d6c6f6e67 7fad01"), destination[..11]);
        Assert.Equal(11 + 300, written);
        Assert.Equal([(0, "x-long", value)], Decode(destination[..written]));
    }

    [Theory]
    [InlineData("caf\u00e9", 0xE9)]
    [InlineData("a\r\nX-Evil: 1", 0x0D)]
    [InlineData("nul\0", 0x00)]
    [InlineData("del\u007f", 0x7F)]
    [InlineData("tab\tthen\u0001", 0x01)] // The first bad character after a tab, which is allowed.
    [InlineData("\u4e2d", 0x4E2D)]
    public void A_value_with_a_non_ASCII_or_control_character_is_refused(string value, int character)
    {
        var error = Assert.Throws<InvalidOperationException>(() => HpackEncoder.TryWriteField("x-value", value, new byte[64], out _));

        Assert.Equal($"Invalid non-ASCII or control character in header: 0x{character:X4}.", error.Message);
    }

    [Fact]
    public void A_tab_in_a_value_is_allowed()
    {
        var destination = new byte[64];

        Assert.True(HpackEncoder.TryWriteField("x-value", "a\tb", destination, out var written));

        Assert.Equal([(0, "x-value", "a\tb")], Decode(destination[..written]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("x:y")]
    [InlineData("na\u00efve")]
    public void A_name_HTTP_cannot_carry_is_refused(string name)
    {
        Assert.Throws<InvalidOperationException>(() => HpackEncoder.TryWriteField(name, "v", new byte[64], out _));
    }

    [Theory]
    [InlineData("content-type", "text/plain")]
    [InlineData("X-Unknown", "value")]
    [InlineData("Accept-Charset", "")] // Index 15: just past the four-bit prefix.
    [InlineData("x-127", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456")] // 127: just past the seven-bit prefix.
    [InlineData("x-long", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")]
    public void A_destination_one_byte_short_gets_nothing_and_the_exact_size_fits(string name, string value)
    {
        var roomy = new byte[256];
        Assert.True(HpackEncoder.TryWriteField(name, value, roomy, out var needed));

        Assert.False(HpackEncoder.TryWriteField(name, value, new byte[needed - 1], out var written));
        Assert.Equal(0, written);

        var exact = new byte[needed];
        Assert.True(HpackEncoder.TryWriteField(name, value, exact, out written));
        Assert.Equal(needed, written);
        Assert.Equal(roomy[..needed], exact);
    }

    [Fact]
    public void A_response_head_decodes_to_the_fields_written()
    {
        (string Name, string Value)[] fields =
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", "1234"),
            ("Date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("Server", "mesh"),
            ("Cache-Control", "private, max-age=0"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("X-Request-Id", "0af7651916cd43dd8448eb211c80319c"),
            ("grpc-status", "0"),
            ("X-Empty", ""),
            ("X-Long", new string('x', 5000)),
            ("Vary", "Accept-Encoding"),
        ];
        var block = new byte[8 * 1024];
        Assert.True(HpackEncoder.TryWriteStatus(201, block, out var length));
        foreach (var (name, value) in fields)
        {
            Assert.True(HpackEncoder.TryWriteField(name, value, block.AsSpan(length), out var written));
            length += written;
        }

        var decoded = Decode(block[..length]);

        Assert.Equal(
            [(":status", "201"), .. fields.Select(f => (f.Name.ToLowerInvariant(), f.Value))],
            decoded.Select(f => (f.Name, f.Value)).ToList());
        Assert.Equal(
            [8, 31, 28, 33, 54, 24, 55, 55, 0, 0, 0, 0, 59],
            decoded.Select(f => f.StaticIndex).ToList());
    }

    private static List<(int StaticIndex, string Name, string Value)> Decode(byte[] block)
    {
        var sink = new HpackDecoderTests.Recorder();
        new HpackDecoder().Decode(block, sink);
        return sink.Fields;
    }
}
