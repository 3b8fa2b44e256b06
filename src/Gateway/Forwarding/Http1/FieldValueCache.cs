using System.Runtime.InteropServices;
using System.Text;

namespace Mesh.Gateway.Forwarding.Http1;

/// <summary>
/// The value strings of common header fields, kept per thread so that a value seen before ("keep-alive",
/// "text/plain", the Date of this second) is read without allocating. Shared by every connection on the
/// thread rather than kept per connection: a gateway with hundreds of upstream connections would
/// otherwise compare each answer against that connection's own copies, long gone from the CPU's caches.
/// A fixed table, each slot overwritten by the next value hashed to it: bounded memory whatever peers send.
/// </summary>
internal static class FieldValueCache
{
    private const int Slots = 256; // A power of two.

    /// <summary>Longer values (cookies, tokens) rarely repeat; they are not kept.</summary>
    private const int MaxKeptLength = 128;

    [ThreadStatic]
    private static Entry[]? t_entries;

    /// <summary>
    /// <paramref name="value"/> as a string: the kept one when <paramref name="name"/> (an interned common
    /// name, compared by reference) last had these very bytes in its slot, else a new one, then kept.
    /// </summary>
    public static string Get(string name, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return "";
        }
        if (value.Length > MaxKeptLength || NeverKept(name))
        {
            return Encoding.ASCII.GetString(value);
        }
        var entries = t_entries ??= new Entry[Slots];
        ref var entry = ref entries[Slot(name, value)];
        if (ReferenceEquals(entry.Name, name) && System.Text.Ascii.Equals(value, entry.Value))
        {
            return entry.Value;
        }
        var made = Encoding.ASCII.GetString(value);
        entry = new Entry(name, made);
        return made;
    }

    /// <summary>
    /// Credentials, which must not outlive their request in a table shared by every client on the thread,
    /// and values new on every request (trace and request ids), which would only push out the ones that repeat.
    /// </summary>
    private static bool NeverKept(string name) => name.Length switch
    {
        6 => Is(name, "Cookie"),
        7 => Is(name, "baggage"),
        10 => Is(name, "Set-Cookie") || Is(name, "tracestate"),
        11 => Is(name, "traceparent"),
        12 => Is(name, "X-Request-Id"),
        13 => Is(name, "Authorization"),
        _ => false,
    };

    private static bool Is(string name, string other) => string.Equals(name, other, StringComparison.OrdinalIgnoreCase);

    // Length and the first and last eight bytes: cheap, and apart for the values that differ (a Date's
    // seconds are in its last eight bytes). Collisions only cost a new string.
    private static int Slot(string name, ReadOnlySpan<byte> value)
    {
        ulong head, tail;
        if (value.Length >= 8)
        {
            head = MemoryMarshal.Read<ulong>(value);
            tail = MemoryMarshal.Read<ulong>(value[^8..]);
        }
        else
        {
            head = value[0];
            tail = value[^1];
        }
        var mixed = ((head * 0x9E3779B97F4A7C15UL) ^ tail ^ (ulong)value.Length) * 0xFF51AFD7ED558CCDUL;
        return (int)((mixed >> 40) ^ (uint)name.Length) & (Slots - 1);
    }

    private readonly record struct Entry(string? Name, string Value);
}
