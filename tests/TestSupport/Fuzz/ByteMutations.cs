using System.Text;

namespace Mesh.TestSupport.Fuzz;

/// <summary>
/// Breaks a valid message at random: one to four mutations, each a byte replaced, a token that parsers
/// trip on spliced in, a run deleted or repeated elsewhere, the end cut off, or a letter's case flipped.
/// </summary>
public static class ByteMutations
{
    /// <summary>The bytes of <paramref name="seed"/> (Latin-1) after the mutations <paramref name="random"/> chooses.</summary>
    public static byte[] Apply(string seed, IReadOnlyList<string> tokens, Random random)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(seed));
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
        {
            Mutate(bytes, tokens, random);
        }
        return [.. bytes];
    }

    private static void Mutate(List<byte> bytes, IReadOnlyList<string> tokens, Random random)
    {
        var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(7))
        {
            case 0 when bytes.Count > 0:
                bytes[at] = (byte)random.Next(256);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveRange(at, random.Next(1, Math.Min(16, bytes.Count - at) + 1));
                break;
            case 3 when bytes.Count > 0:
                var length = random.Next(1, Math.Min(64, bytes.Count - at) + 1);
                bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                break;
            case 4 when bytes.Count > 0:
                bytes.RemoveRange(at, bytes.Count - at); // Cut off: the rest never comes.
                break;
            case 5 when bytes.Count > 0 && bytes[at] is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z':
                bytes[at] ^= 0x20;
                break;
            default:
                bytes.InsertRange(at, Encoding.Latin1.GetBytes(tokens[random.Next(tokens.Count)]));
                break;
        }
    }
}
