using System.Text;
using Mesh.Gateway.Front.Http2;

namespace Mesh.Gateway.Tests.Http2;

/// <summary>
/// The HPACK decoder on RFC 7541's own examples (Appendix C), on Huffman strings from a reference encoder built here from
/// the RFC's code table, and on every way a block can be malformed.
/// </summary>
public sealed class HpackDecoderTests
{
    [Fact]
    public void C_2_1_a_literal_with_indexing_is_added_to_the_table()
    {
        var decoder = new HpackDecoder();

        var fields = Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");

        Assert.Equal([(0, "custom-key", "custom-header")], fields);
        Assert.Equal((1, 55), (decoder.DynamicTable.Count, decoder.DynamicTable.Size));
    }

    [Fact]
    public void C_2_2_a_literal_without_indexing_leaves_the_table_alone_and_reports_its_static_name()
    {
        var decoder = new HpackDecoder();

        var fields = Decode(decoder, "040c 2f73 616d 706c 652f 7061 7468");

        Assert.Equal([(4, ":path", "/sample/path")], fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
    }

    [Fact]
    public void C_2_3_a_literal_never_indexed_leaves_the_table_alone()
    {
        var decoder = new HpackDecoder();

        var fields = Decode(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74");

        Assert.Equal([(0, "password", "secret")], fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
    }

    [Fact]
    public void C_2_4_an_indexed_field_comes_from_the_static_table()
    {
        var decoder = new HpackDecoder();

        Assert.Equal([(2, ":method", "GET")], Decode(decoder, "82"));
        Assert.Equal(0, decoder.DynamicTable.Count);
    }

    [Theory]
    [InlineData( // C.3, raw strings.
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")]
    [InlineData( // C.4, the same with Huffman-coded strings.
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")]
    public void C_3_and_C_4_three_requests_share_one_dynamic_table(string first, string second, string third)
    {
        var decoder = new HpackDecoder();

        Assert.Equal(
            [(2, ":method", "GET"), (6, ":scheme", "http"), (4, ":path", "/"), (1, ":authority", "www.example.com")],
            Decode(decoder, first));
        Assert.Equal(57, decoder.DynamicTable.Size);

        // 0xbe is index 62: the :authority the first request added.
        Assert.Equal(
            [(2, ":method", "GET"), (6, ":scheme", "http"), (4, ":path", "/"), (0, ":authority", "www.example.com"), (24, "cache-control", "no-cache")],
            Decode(decoder, second));
        Assert.Equal(110, decoder.DynamicTable.Size);

        // 0xbf is index 63: the first request's :authority, pushed down by the second's cache-control.
        Assert.Equal(
            [(2, ":method", "GET"), (7, ":scheme", "https"), (5, ":path", "/index.html"), (0, ":authority", "www.example.com"), (0, "custom-key", "custom-value")],
            Decode(decoder, third));
        Assert.Equal(164, decoder.DynamicTable.Size);
        Assert.Equal(["custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"], Entries(decoder.DynamicTable));
    }

    [Theory]
    [InlineData( // C.5, raw strings.
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31")]
    [InlineData( // C.6, the same with Huffman-coded strings.
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07")]
    public void C_5_and_C_6_three_responses_evict_from_a_256_byte_table(string first, string second, string third)
    {
        var decoder = new HpackDecoder(maxTableSize: 256);
        const string Date1 = "Mon, 21 Oct 2013 20:13:21 GMT";
        const string Date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
        const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

        Assert.Equal(
            [(8, ":status", "302"), (24, "cache-control", "private"), (33, "date", Date1), (46, "location", "https://www.example.com")],
            Decode(decoder, first));
        Assert.Equal(222, decoder.DynamicTable.Size);
        Assert.Equal(["location: https://www.example.com", $"date: {Date1}", "cache-control: private", ":status: 302"], Entries(decoder.DynamicTable));

        // Adding ":status: 307" evicts ":status: 302".
        Assert.Equal(
            [(8, ":status", "307"), (0, "cache-control", "private"), (0, "date", Date1), (0, "location", "https://www.example.com")],
            Decode(decoder, second));
        Assert.Equal(222, decoder.DynamicTable.Size);
        Assert.Equal([":status: 307", "location: https://www.example.com", $"date: {Date1}", "cache-control: private"], Entries(decoder.DynamicTable));

        Assert.Equal(
            [(8, ":status", "200"), (0, "cache-control", "private"), (33, "date", Date2), (0, "location", "https://www.example.com"),
                (26, "content-encoding", "gzip"), (55, "set-cookie", Cookie)],
            Decode(decoder, third));
        Assert.Equal(215, decoder.DynamicTable.Size);
        Assert.Equal([$"set-cookie: {Cookie}", "content-encoding: gzip", $"date: {Date2}"], Entries(decoder.DynamicTable));
    }

    [Fact]
    public void C_1_2_an_integer_continued_past_its_prefix_is_read_whole()
    {
        // 1337 on a 5-bit prefix, as a dynamic table size update.
        var decoder = new HpackDecoder();

        Assert.Empty(Decode(decoder, "3f9a 0a"));

        Assert.Equal(1337, decoder.DynamicTable.MaxSize);
    }

    [Fact]
    public void A_literal_may_name_the_entry_its_own_insertion_evicts()
    {
        // RFC 7541 §4.4: the name must survive the eviction of the entry it came from.
        var decoder = new HpackDecoder();
        Decode(decoder, "3f27" + "4003 616161 03 787878"); // Table size 70; adds "aaa: xxx" (38).

        var fields = Decode(decoder, "7e04 79797979"); // Name from index 62, value "yyyy": 38 + 39 > 70.

        Assert.Equal([(0, "aaa", "yyyy")], fields);
        Assert.Equal(["aaa: yyyy"], Entries(decoder.DynamicTable));
    }

    [Fact]
    public void An_entry_larger_than_the_table_empties_it_and_is_no_error()
    {
        var decoder = new HpackDecoder(maxTableSize: 64);
        Decode(decoder, "4003 616161 03 787878");

        var fields = Decode(decoder, "4003 626262 20" + string.Concat(Enumerable.Repeat("7a", 32)));

        Assert.Equal([(0, "bbb", new string('z', 32))], fields);
        Assert.Equal((0, 0), (decoder.DynamicTable.Count, decoder.DynamicTable.Size));
    }

    [Fact]
    public void Size_updates_at_the_start_of_a_block_evict_and_may_come_twice()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, "4003 616161 03 787878");

        var fields = Decode(decoder, "20 3fe1 1f 82"); // To 0, then to 4096 (the advertised maximum), then a field.

        Assert.Equal([(2, ":method", "GET")], fields);
        Assert.Equal((0, 4096), (decoder.DynamicTable.Count, decoder.DynamicTable.MaxSize));
        AssertMalformed(decoder, "be");
    }

    [Theory]
    [InlineData("80")] // Index 0.
    [InlineData("be")] // Index 62 with an empty dynamic table.
    [InlineData("7e01 61")] // A literal naming index 62 with an empty dynamic table.
    [InlineData("0f2f 0161")] // A literal naming index 62 (four-bit prefix) with an empty dynamic table.
    [InlineData("ff")] // An integer whose continuation is missing.
    [InlineData("ff80")] // An integer that says more follows, and nothing does.
    [InlineData("3fff ffff ff0f")] // A size update past int.MaxValue (2^32 + 30, which would wrap to 30).
    [InlineData("3f80 8080 8080 00")] // A size update of 31 over more bytes than an int needs, even though they add nothing.
    [InlineData("04")] // A literal with no value.
    [InlineData("040c 2f73")] // A value shorter than its length says.
    [InlineData("400a 6375")] // A name shorter than its length says.
    [InlineData("00")] // A literal with a new name and no name.
    [InlineData("407f")] // A string length whose continuation is missing.
    [InlineData("3fe2 1f")] // A size update to 4097, above the advertised 4096.
    [InlineData("82 20")] // A size update after a field.
    [InlineData("0181 ff")] // A Huffman value that is eight bits of padding.
    [InlineData("0184 ffff ffff")] // A Huffman value holding EOS.
    [InlineData("0181 18")] // A Huffman value, "a" then padding of zeros.
    public void A_malformed_block_is_a_compression_error(string block)
    {
        AssertMalformed(new HpackDecoder(), block);
    }

    [Fact]
    public void A_size_update_is_checked_against_the_advertised_size_not_the_current_one()
    {
        var decoder = new HpackDecoder(maxTableSize: 256);

        Decode(decoder, "3f21"); // 64.
        Decode(decoder, "3fe1 01"); // 256: back up to the advertised size.

        Assert.Equal(256, decoder.DynamicTable.MaxSize);
        AssertMalformed(decoder, "3fe2 01"); // 257.
    }

    [Fact]
    public void A_header_list_too_large_is_reported_after_the_whole_block_with_the_table_in_step()
    {
        // Three fields of 38 each against a limit of 100: the third crosses it.
        var decoder = new HpackDecoder(maxHeaderListSize: 100);
        var sink = new Recorder();

        var error = Assert.Throws<HpackException>(() =>
            decoder.Decode(Hex("4003 616161 03 787878" + "4003 626262 03 787878" + "4003 636363 03 787878"), sink));

        Assert.True(error.HeaderListTooLarge);
        Assert.Equal([(0, "aaa", "xxx"), (0, "bbb", "xxx")], sink.Fields);
        Assert.Equal(["ccc: xxx", "bbb: xxx", "aaa: xxx"], Entries(decoder.DynamicTable));
        Assert.Equal([(0, "ccc", "xxx"), (0, "aaa", "xxx")], Decode(decoder, "be c0"));
    }

    [Fact]
    public void A_malformed_field_after_the_list_grew_too_large_is_still_a_compression_error()
    {
        var decoder = new HpackDecoder(maxHeaderListSize: 40);

        var error = Assert.Throws<HpackException>(() => decoder.Decode(Hex("4003 616161 03 787878" + "4003 626262 03 787878" + "80"), new Recorder()));

        Assert.False(error.HeaderListTooLarge);
    }

    [Fact]
    public void A_huffman_field_too_large_to_keep_is_measured_counted_and_empties_the_table()
    {
        // The limits are 64 bytes; the value decodes to 100 bytes, so it is validated and measured but not kept.
        var decoder = new HpackDecoder(maxTableSize: 64, maxHeaderListSize: 64);
        Decode(decoder, "4003 616161 03 787878");
        var value = ReferenceHuffman.Encode(Encoding.ASCII.GetBytes(new string('a', 100)));
        var sink = new Recorder();

        var error = Assert.Throws<HpackException>(() => decoder.Decode(Hex("82 4003 626262" + HuffmanString(value)), sink));

        Assert.True(error.HeaderListTooLarge);
        Assert.Equal([(2, ":method", "GET")], sink.Fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
        Assert.Equal([(2, ":method", "GET")], Decode(decoder, "82"));
    }

    [Fact]
    public void A_huffman_field_too_large_to_keep_is_still_checked_for_bad_padding()
    {
        var decoder = new HpackDecoder(maxTableSize: 64, maxHeaderListSize: 64);
        var value = ReferenceHuffman.Encode(Encoding.ASCII.GetBytes(new string('a', 100))).Concat(new byte[] { 0xFF }).ToArray();

        var error = Assert.Throws<HpackException>(() => decoder.Decode(Hex("4003 626262" + HuffmanString(value)), new Recorder()));

        Assert.False(error.HeaderListTooLarge);
    }

    [Fact]
    public void A_huffman_name_and_value_both_survive_the_scratch_buffer_growing_between_them()
    {
        var decoder = new HpackDecoder();
        var name = ReferenceHuffman.Encode("x-name"u8);
        var value = ReferenceHuffman.Encode(Encoding.ASCII.GetBytes(new string('v', 3000)));

        var fields = Decode(decoder, "00" + HuffmanString(name) + HuffmanString(value));

        Assert.Equal([(0, "x-name", new string('v', 3000))], fields);
    }

    [Fact]
    public void Fields_from_the_tables_decode_without_allocating()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, "4003 616161 03 787878" + "4003 626262 03 797979");
        // Static, a Huffman value without indexing, the two dynamic entries, raw values under a static and a dynamic name.
        var block = Hex("8286 84" + "018c f1e3 c2e5 f23a 6ba0 ab90 f4ff" + "be bf" + "040c 2f73 616d 706c 652f 7061 7468" + "0f2f 0378 7878");
        var sink = new CountingSink();
        decoder.Decode(block, sink); // Grows the Huffman scratch buffer once.

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            decoder.Decode(block, sink);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(101 * 8, sink.Count);
    }

    // Huffman code (RFC 7541 §5.2, Appendix B).

    [Fact]
    public void Every_printable_character_decodes_alone_and_together()
    {
        for (var c = 0x20; c <= 0x7E; c++)
        {
            AssertHuffmanRoundTrip([(byte)c]);
        }
        AssertHuffmanRoundTrip(Enumerable.Range(0x20, 0x7E - 0x20 + 1).Select(c => (byte)c).ToArray());
    }

    [Fact]
    public void Every_byte_value_decodes_alone_and_together()
    {
        for (var b = 0; b <= 255; b++)
        {
            AssertHuffmanRoundTrip([(byte)b]);
        }
        AssertHuffmanRoundTrip(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray());
        AssertHuffmanRoundTrip(Enumerable.Range(0, 256).Select(b => (byte)(255 - b)).ToArray());
    }

    [Fact]
    public void Random_printable_strings_decode()
    {
        var random = new Random(7541);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = (byte)random.Next(0x20, 0x7F);
            }
            AssertHuffmanRoundTrip(bytes);
        }
    }

    [Fact]
    public void An_empty_string_decodes_to_nothing()
    {
        Assert.Equal(0, HpackHuffman.Decode([], new byte[8]));
    }

    [Fact]
    public void A_destination_too_small_gets_a_prefix_and_the_whole_length_is_returned()
    {
        var encoded = ReferenceHuffman.Encode("www.example.com"u8);
        var destination = new byte[3];

        Assert.Equal(15, HpackHuffman.Decode(encoded, destination));
        Assert.Equal("www"u8.ToArray(), destination);
        Assert.Equal(15, HpackHuffman.Decode(encoded, []));
    }

    [Theory]
    [InlineData("1f", true)] // "a" (00011) and three ones.
    [InlineData("1fff", false)] // "a" and eleven ones: padding longer than seven bits.
    [InlineData("ff", false)] // Eight ones and no symbol.
    [InlineData("18", false)] // "a" and three zeros.
    [InlineData("1e", false)] // "a" and 110.
    [InlineData("1d", false)] // "a" and 101.
    [InlineData("00", false)] // "0" (00000) and three zeros.
    [InlineData("07", true)] // "0" (00000) and three ones.
    [InlineData("fe3f", true)] // "!" (11111110|00) and six ones.
    public void Padding_must_be_at_most_seven_ones(string hex, bool valid)
    {
        var source = Hex(hex);
        if (valid)
        {
            HpackHuffman.Decode(source, new byte[8]);
        }
        else
        {
            Assert.Throws<HpackException>(() => HpackHuffman.Decode(source, new byte[8]));
        }
    }

    [Fact]
    public void The_EOS_symbol_is_refused_wherever_it_appears()
    {
        // EOS is thirty ones; with two more ones of padding, "ffffffff".
        var alone = Assert.Throws<HpackException>(() => HpackHuffman.Decode(Hex("ffff ffff"), new byte[8]));

        // "a" (00011), EOS, then padding: 00011 + 30 ones + 5 ones = 40 bits.
        var afterA = Assert.Throws<HpackException>(() => HpackHuffman.Decode(Hex("1fff ffff ff"), new byte[8]));

        // EOS, then "0" (00000) and padding: refused for the EOS, not merely for how the string ends.
        var beforeZero = Assert.Throws<HpackException>(() => HpackHuffman.Decode(Hex("ffff fffc 1f"), new byte[8]));

        Assert.All([alone, afterA, beforeZero], error => Assert.Contains("EOS", error.Message, StringComparison.Ordinal));
    }

    private static void AssertHuffmanRoundTrip(byte[] text)
    {
        var encoded = ReferenceHuffman.Encode(text);
        var decoded = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];

        var length = HpackHuffman.Decode(encoded, decoded);

        Assert.Equal(text, decoded[..length]);
    }

    private static void AssertMalformed(HpackDecoder decoder, string block)
    {
        var error = Assert.Throws<HpackException>(() => decoder.Decode(Hex(block), new Recorder()));
        Assert.False(error.HeaderListTooLarge);
    }

    internal static List<(int StaticIndex, string Name, string Value)> Decode(HpackDecoder decoder, string hex)
    {
        var sink = new Recorder();
        decoder.Decode(Hex(hex), sink);
        return sink.Fields;
    }

    private static List<string> Entries(HpackDynamicTable table) =>
        Enumerable.Range(0, table.Count).Select(i => $"{Encoding.Latin1.GetString(table.Name(i))}: {Encoding.Latin1.GetString(table.Value(i))}").ToList();

    internal static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A Huffman-coded string literal (RFC 7541 §5.2) in hex: H = 1, the length on a 7-bit prefix, the bytes.</summary>
    private static string HuffmanString(byte[] encoded)
    {
        var literal = new List<byte>();
        if (encoded.Length < 0x7F)
        {
            literal.Add((byte)(0x80 | encoded.Length));
        }
        else
        {
            literal.Add(0xFF);
            var rest = encoded.Length - 0x7F;
            for (; rest >= 0x80; rest >>= 7)
            {
                literal.Add((byte)(0x80 | (rest & 0x7F)));
            }
            literal.Add((byte)rest);
        }
        literal.AddRange(encoded);
        return Convert.ToHexString(literal.ToArray());
    }

    internal sealed class Recorder : IHpackFieldSink
    {
        public List<(int StaticIndex, string Name, string Value)> Fields { get; } = [];

        public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            Fields.Add((staticIndex, Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
    }

    private sealed class CountingSink : IHpackFieldSink
    {
        public int Count { get; private set; }

        public void OnField(int staticIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Count++;
    }

    /// <summary>
    /// A Huffman encoder written from RFC 7541 Appendix B's "code as bits" column, independently of the decoder's table
    /// (which holds the hex column), so that a slip in either shows.
    /// </summary>
    private static class ReferenceHuffman
    {
        public static byte[] Encode(ReadOnlySpan<byte> text)
        {
            var bits = new StringBuilder();
            foreach (var b in text)
            {
                bits.Append(Codes[b]);
            }
            bits.Append('1', (8 - bits.Length % 8) % 8); // Padding: the most significant bits of EOS.
            var bytes = new byte[bits.Length / 8];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = Convert.ToByte(bits.ToString(8 * i, 8), 2);
            }
            return bytes;
        }

        // Symbols 0 to 256 (EOS).
        private static readonly string[] Codes =
        [
            "1111111111000", "11111111111111111011000", "1111111111111111111111100010", "1111111111111111111111100011",
            "1111111111111111111111100100", "1111111111111111111111100101", "1111111111111111111111100110", "1111111111111111111111100111",
            "1111111111111111111111101000", "111111111111111111101010", "111111111111111111111111111100", "1111111111111111111111101001",
            "1111111111111111111111101010", "111111111111111111111111111101", "1111111111111111111111101011", "1111111111111111111111101100",
            "1111111111111111111111101101", "1111111111111111111111101110", "1111111111111111111111101111", "1111111111111111111111110000",
            "1111111111111111111111110001", "1111111111111111111111110010", "111111111111111111111111111110", "1111111111111111111111110011",
            "1111111111111111111111110100", "1111111111111111111111110101", "1111111111111111111111110110", "1111111111111111111111110111",
            "1111111111111111111111111000", "1111111111111111111111111001", "1111111111111111111111111010", "1111111111111111111111111011",
            "010100", "1111111000", "1111111001", "111111111010",
            "1111111111001", "010101", "11111000", "11111111010",
            "1111111010", "1111111011", "11111001", "11111111011",
            "11111010", "010110", "010111", "011000",
            "00000", "00001", "00010", "011001",
            "011010", "011011", "011100", "011101",
            "011110", "011111", "1011100", "11111011",
            "111111111111100", "100000", "111111111011", "1111111100",
            "1111111111010", "100001", "1011101", "1011110",
            "1011111", "1100000", "1100001", "1100010",
            "1100011", "1100100", "1100101", "1100110",
            "1100111", "1101000", "1101001", "1101010",
            "1101011", "1101100", "1101101", "1101110",
            "1101111", "1110000", "1110001", "1110010",
            "11111100", "1110011", "11111101", "1111111111011",
            "1111111111111110000", "1111111111100", "11111111111100", "100010",
            "111111111111101", "00011", "100011", "00100",
            "100100", "00101", "100101", "100110",
            "100111", "00110", "1110100", "1110101",
            "101000", "101001", "101010", "00111",
            "101011", "1110110", "101100", "01000",
            "01001", "101101", "1110111", "1111000",
            "1111001", "1111010", "1111011", "111111111111110",
            "11111111100", "11111111111101", "1111111111101", "1111111111111111111111111100",
            "11111111111111100110", "1111111111111111010010", "11111111111111100111", "11111111111111101000",
            "1111111111111111010011", "1111111111111111010100", "1111111111111111010101", "11111111111111111011001",
            "1111111111111111010110", "11111111111111111011010", "11111111111111111011011", "11111111111111111011100",
            "11111111111111111011101", "11111111111111111011110", "111111111111111111101011", "11111111111111111011111",
            "111111111111111111101100", "111111111111111111101101", "1111111111111111010111", "11111111111111111100000",
            "111111111111111111101110", "11111111111111111100001", "11111111111111111100010", "11111111111111111100011",
            "11111111111111111100100", "111111111111111011100", "1111111111111111011000", "11111111111111111100101",
            "1111111111111111011001", "11111111111111111100110", "11111111111111111100111", "111111111111111111101111",
            "1111111111111111011010", "111111111111111011101", "11111111111111101001", "1111111111111111011011",
            "1111111111111111011100", "11111111111111111101000", "11111111111111111101001", "111111111111111011110",
            "11111111111111111101010", "1111111111111111011101", "1111111111111111011110", "111111111111111111110000",
            "111111111111111011111", "1111111111111111011111", "11111111111111111101011", "11111111111111111101100",
            "111111111111111100000", "111111111111111100001", "1111111111111111100000", "111111111111111100010",
            "11111111111111111101101", "1111111111111111100001", "11111111111111111101110", "11111111111111111101111",
            "11111111111111101010", "1111111111111111100010", "1111111111111111100011", "1111111111111111100100",
            "11111111111111111110000", "1111111111111111100101", "1111111111111111100110", "11111111111111111110001",
            "11111111111111111111100000", "11111111111111111111100001", "11111111111111101011", "1111111111111110001",
            "1111111111111111100111", "11111111111111111110010", "1111111111111111101000", "1111111111111111111101100",
            "11111111111111111111100010", "11111111111111111111100011", "11111111111111111111100100", "111111111111111111111011110",
            "111111111111111111111011111", "11111111111111111111100101", "111111111111111111110001", "1111111111111111111101101",
            "1111111111111110010", "111111111111111100011", "11111111111111111111100110", "111111111111111111111100000",
            "111111111111111111111100001", "11111111111111111111100111", "111111111111111111111100010", "111111111111111111110010",
            "111111111111111100100", "111111111111111100101", "11111111111111111111101000", "11111111111111111111101001",
            "1111111111111111111111111101", "111111111111111111111100011", "111111111111111111111100100", "111111111111111111111100101",
            "11111111111111101100", "111111111111111111110011", "11111111111111101101", "111111111111111100110",
            "1111111111111111101001", "111111111111111100111", "111111111111111101000", "11111111111111111110011",
            "1111111111111111101010", "1111111111111111101011", "1111111111111111111101110", "1111111111111111111101111",
            "111111111111111111110100", "111111111111111111110101", "11111111111111111111101010", "11111111111111111110100",
            "11111111111111111111101011", "111111111111111111111100110", "11111111111111111111101100", "11111111111111111111101101",
            "111111111111111111111100111", "111111111111111111111101000", "111111111111111111111101001", "111111111111111111111101010",
            "111111111111111111111101011", "1111111111111111111111111110", "111111111111111111111101100", "111111111111111111111101101",
            "111111111111111111111101110", "111111111111111111111101111", "111111111111111111111110000", "11111111111111111111101110",
            "111111111111111111111111111111",
        ];
    }
}
