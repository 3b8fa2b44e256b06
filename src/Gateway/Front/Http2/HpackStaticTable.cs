using System.Text;

namespace Mesh.Gateway.Front.Http2;

/// <summary>The HPACK static table (RFC 7541 Appendix A): indexes 1 to 61.</summary>
internal static class HpackStaticTable
{
    public const int Count = 61;

    // Index 0 is unused so that an entry sits at its 1-based HPACK index.
    private static readonly (byte[] Name, byte[] Value)[] Entries = Build(
    [
        (":authority", ""),
        (":method", "GET"),
        (":method", "POST"),
        (":path", "/"),
        (":path", "/index.html"),
        (":scheme", "http"),
        (":scheme", "https"),
        (":status", "200"),
        (":status", "204"),
        (":status", "206"),
        (":status", "304"),
        (":status", "400"),
        (":status", "404"),
        (":status", "500"),
        ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"),
        ("accept-language", ""),
        ("accept-ranges", ""),
        ("accept", ""),
        ("access-control-allow-origin", ""),
        ("age", ""),
        ("allow", ""),
        ("authorization", ""),
        ("cache-control", ""),
        ("content-disposition", ""),
        ("content-encoding", ""),
        ("content-language", ""),
        ("content-length", ""),
        ("content-location", ""),
        ("content-range", ""),
        ("content-type", ""),
        ("cookie", ""),
        ("date", ""),
        ("etag", ""),
        ("expect", ""),
        ("expires", ""),
        ("from", ""),
        ("host", ""),
        ("if-match", ""),
        ("if-modified-since", ""),
        ("if-none-match", ""),
        ("if-range", ""),
        ("if-unmodified-since", ""),
        ("last-modified", ""),
        ("link", ""),
        ("location", ""),
        ("max-forwards", ""),
        ("proxy-authenticate", ""),
        ("proxy-authorization", ""),
        ("range", ""),
        ("referer", ""),
        ("refresh", ""),
        ("retry-after", ""),
        ("server", ""),
        ("set-cookie", ""),
        ("strict-transport-security", ""),
        ("transfer-encoding", ""),
        ("user-agent", ""),
        ("vary", ""),
        ("via", ""),
        ("www-authenticate", ""),
    ]);

    // The encoder asks for every response field's name: bucketed by length and last letter, a name meets the one
    // or two static names of its bucket (checked in any case) rather than being hashed whole.
    private const int BucketCount = 256;

    private static readonly int[][] NameBuckets = BuildNameBuckets();

    /// <param name="index">1 to <see cref="Count"/>.</param>
    public static ReadOnlySpan<byte> Name(int index) => Entries[index].Name;

    /// <param name="index">1 to <see cref="Count"/>.</param>
    public static ReadOnlySpan<byte> Value(int index) => Entries[index].Value;

    /// <summary>The first index whose name is <paramref name="name"/>, compared ignoring ASCII case; 0 when none.</summary>
    public static int IndexOfName(string name)
    {
        if (name.Length == 0)
        {
            return 0;
        }
        foreach (var index in NameBuckets[BucketOf(name.Length, name[^1])])
        {
            if (Ascii.EqualsIgnoreCase(Entries[index].Name, name))
            {
                return index;
            }
        }
        return 0;
    }

    private static (byte[] Name, byte[] Value)[] Build((string Name, string Value)[] entries)
    {
        var table = new (byte[] Name, byte[] Value)[entries.Length + 1];
        table[0] = ([], []);
        for (var i = 0; i < entries.Length; i++)
        {
            table[i + 1] = (Encoding.ASCII.GetBytes(entries[i].Name), Encoding.ASCII.GetBytes(entries[i].Value));
        }
        return table;
    }

    private static int BucketOf(int length, char last) => ((length * 37) + (last | 0x20)) & (BucketCount - 1);

    private static int[][] BuildNameBuckets()
    {
        var buckets = new List<int>[BucketCount];
        for (var i = 1; i <= Count; i++)
        {
            var name = Entries[i].Name;
            var bucket = buckets[BucketOf(name.Length, (char)name[^1])] ??= [];
            if (!bucket.Exists(other => Entries[other].Name.AsSpan().SequenceEqual(name)))
            {
                bucket.Add(i); // Only a name's first index: ":status" is 8.
            }
        }
        return [.. buckets.Select(bucket => bucket?.ToArray() ?? [])];
    }
}
