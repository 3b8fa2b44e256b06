using System.Net;
using Mesh.Gateway.Balancing;

namespace Mesh.Gateway.Tables;

/// <summary>
/// One <see cref="EndpointState"/> per endpoint address, shared by every pool that lists the address and kept
/// while at least one does: so in-flight counts and outlier ejections survive pools being recompiled.
/// </summary>
internal sealed class EndpointStates
{
    private readonly Dictionary<IPEndPoint, (EndpointState State, int Pools)> _byAddress = [];

    public int Count => _byAddress.Count;

    /// <summary>The address's state, counting one more use of it; pass to <see cref="EndpointPool"/>'s constructor.</summary>
    public EndpointState Acquire(IPEndPoint address)
    {
        var (state, uses) = _byAddress.GetValueOrDefault(address);
        _byAddress[address] = (state ??= new EndpointState(address), uses + 1);
        return state;
    }

    /// <summary>Drops a pool's uses of its endpoints; a state no pool uses is forgotten.</summary>
    public void Release(EndpointPool pool)
    {
        foreach (var endpoint in pool.Endpoints)
        {
            var (state, uses) = _byAddress[endpoint.Address];
            if (uses == 1)
            {
                _byAddress.Remove(endpoint.Address);
            }
            else
            {
                _byAddress[endpoint.Address] = (state, uses - 1);
            }
        }
    }
}
