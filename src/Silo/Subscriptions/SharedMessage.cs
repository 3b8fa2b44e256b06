using Mesh.Grains.Subscription;

namespace Mesh.Silo.Subscriptions;

/// <summary>
/// A message built once for every subscriber it goes to: the object and, on first use, its encoded line.
/// With a thousand proxies a change is one message and one encoding, not a thousand.
/// </summary>
public sealed class SharedMessage(SubscriptionMessage message)
{
    private byte[]? _bytes;

    public SubscriptionMessage Message { get; } = message;

    public string? Key => Message.Key;

    /// <summary>When the change this message carries reached the hub (a Stopwatch timestamp; 0 when not a change).</summary>
    public long ChangedAt { get; init; }

    /// <summary>The NDJSON line; encoding twice in a race is harmless, both results are equal.</summary>
    public byte[] Bytes => Volatile.Read(ref _bytes) ?? Encode();

    private byte[] Encode()
    {
        var bytes = MessageEncoder.Encode(Message);
        Volatile.Write(ref _bytes, bytes);
        return bytes;
    }
}
