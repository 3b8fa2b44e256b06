using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace Mesh.Gateway.Routing;

/// <summary>A request authority split into host and port (port 80 when absent).</summary>
public readonly record struct Authority(string Host, int Port)
{
    private static readonly SearchValues<char> HostCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._");

    public static bool TryParse(string value, out Authority authority)
    {
        authority = default;
        if (string.IsNullOrEmpty(value) || value.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = value[1..close];
            if (close + 1 < value.Length)
            {
                if (value[close + 1] != ':')
                {
                    return false;
                }
                port = value[(close + 2)..];
            }
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
            if (host.Length == 0 || host.AsSpan().ContainsAnyExcept(HostCharacters))
            {
                return false;
            }
        }
        var number = 80;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            return false;
        }
        authority = new Authority(Lowered(host.TrimEnd('.')), number);
        return true;
    }

    /// <summary>The host in lowercase; itself, without a scan per character, when it is lowercase ASCII already (as most are).</summary>
    private static string Lowered(string host) =>
        host.AsSpan().ContainsAnyInRange('A', 'Z') || !Ascii.IsValid(host) ? host.ToLowerInvariant() : host;
}
