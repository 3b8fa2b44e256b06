using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mesh.AppHost.Workloads;

/// <summary>
/// Hands out IPv4 addresses from base+1 up to the end of the base's /16. Allocation moves on round-robin
/// from the last address handed out, so an address just released is not reused at once (clients may still
/// map it to the old owner). Not thread-safe: each pool has one owner that serializes access.
/// </summary>
internal sealed class AddressPool
{
    private readonly uint _first;
    private readonly uint _last;
    private readonly HashSet<uint> _used = [];
    private uint _next;

    public AddressPool(IPAddress networkBase)
    {
        if (networkBase.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{networkBase} is not an IPv4 address", nameof(networkBase));
        }
        var start = ToNumber(networkBase);
        _first = start + 1;
        _last = (start & 0xFFFF0000) | 0xFFFE;
        if (_first > _last)
        {
            throw new ArgumentException($"{networkBase} leaves no addresses in its /16", nameof(networkBase));
        }
        _next = _first;
        Range = $"{ToAddress(start & 0xFFFF0000)}/16";
    }

    /// <summary>The /16 the pool hands addresses out of, e.g. "127.2.0.0/16".</summary>
    public string Range { get; }

    /// <summary>The next free address, or null when every address is in use.</summary>
    public IPAddress? Allocate()
    {
        for (long tried = 0; tried <= _last - _first; tried++)
        {
            var candidate = _next;
            _next = _next == _last ? _first : _next + 1;
            if (_used.Add(candidate))
            {
                return ToAddress(candidate);
            }
        }
        return null;
    }

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && ToNumber(address) is var n && n >= _first && n <= _last;

    /// <summary>Claims a specific address; false when it is outside the pool or already in use.</summary>
    public bool TryReserve(IPAddress address) => Contains(address) && _used.Add(ToNumber(address));

    public void Release(IPAddress address)
    {
        if (Contains(address))
        {
            _used.Remove(ToNumber(address));
        }
    }

    private static uint ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress ToAddress(uint number)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, number);
        return new IPAddress(bytes);
    }
}
