using Mesh.Grains.Model;

namespace Mesh.Grains.Validation;

/// <summary>HTTPRouteTimeouts and HTTPRouteRetry (experimental).</summary>
internal static class TimeoutRetryRules
{
    public static void Timeouts(Cursor timeouts)
    {
        if (timeouts.ReadObject() is null)
        {
            return;
        }
        var request = timeouts.Field("request").ReadString(Formats.Duration);
        var backendRequest = timeouts.Field("backendRequest").ReadString(Formats.Duration);
        // "0s" disables the request timeout, so any backendRequest fits. A value that is not a duration has
        // failed the pattern already; the comparison needs two durations.
        timeouts.Rule("backendRequest timeout cannot be longer than request timeout", () =>
            !GatewayDuration.TryParse(request, out var total) || !GatewayDuration.TryParse(backendRequest, out var backend) ||
            total == TimeSpan.Zero || backend <= total);
    }

    /// <summary>Codes 400..599 and unique, attempts at least 1 (both as from v1.6), backoff a Duration.</summary>
    public static void Retry(Cursor retry)
    {
        if (retry.ReadObject() is null)
        {
            return;
        }
        var codes = retry.Field("codes");
        if (codes.ReadList(int.MaxValue) is not null)
        {
            foreach (var code in codes.Items())
            {
                code.ReadInteger(400, 599);
            }
            codes.UniqueValues();
        }
        retry.Field("attempts").ReadInteger(1);
        retry.Field("backoff").ReadString(Formats.Duration);
    }
}
