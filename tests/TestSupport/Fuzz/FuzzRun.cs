using System.Globalization;

namespace Mesh.TestSupport.Fuzz;

/// <summary>How many fuzz cases a test runs and from which seed (MESH_FUZZ_CASES, MESH_FUZZ_SEED), and how it quotes an input.</summary>
public static class FuzzRun
{
    public static int Cases(int fallback) => Setting("MESH_FUZZ_CASES", fallback);

    public static int Seed(int fallback) => Setting("MESH_FUZZ_SEED", fallback);

    /// <summary>Bytes as a C# string literal would spell them, to quote an input that broke something.</summary>
    public static string Quote(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return "\"" + string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7f and not (byte)'\\' and not (byte)'"' ? ((char)b).ToString() : $"\\x{b:x2}")) + "\"";
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
