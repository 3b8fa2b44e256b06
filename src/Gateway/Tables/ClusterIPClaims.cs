namespace Mesh.Gateway.Tables;

/// <summary>
/// Which Services claim each cluster IP. Kubernetes gives each its own, but while one Service is deleted and
/// another created with its IP, both may be held: the ordinally first key then owns it, whatever order the
/// changes came in, so an incremental compile and a full one agree.
/// </summary>
internal sealed class ClusterIPClaims
{
    private readonly Dictionary<string, SortedSet<string>> _keysByIP = new(StringComparer.Ordinal);

    public void Claim(string clusterIP, string key)
    {
        if (!_keysByIP.TryGetValue(clusterIP, out var keys))
        {
            _keysByIP[clusterIP] = keys = new SortedSet<string>(StringComparer.Ordinal);
        }
        keys.Add(key);
    }

    public void Release(string clusterIP, string key)
    {
        if (_keysByIP.TryGetValue(clusterIP, out var keys) && keys.Remove(key) && keys.Count == 0)
        {
            _keysByIP.Remove(clusterIP);
        }
    }

    /// <summary>The key of the Service the IP routes to, or null when none claims it.</summary>
    public string? OwnerOf(string clusterIP) => _keysByIP.TryGetValue(clusterIP, out var keys) ? keys.Min : null;
}
