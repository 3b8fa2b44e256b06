namespace Mesh.Gateway.Subscription;

/// <summary>The values of <c>--subscribe</c>.</summary>
public static class SubscriptionModes
{
    /// <summary>Every Service, in full: the proxy can route anything from the moment it is synced.</summary>
    public const string All = "all";

    /// <summary>The directory of every Service, and a Service in full only from the first request for it.</summary>
    public const string OnDemand = "on-demand";

    public static bool IsOnDemand(GatewayOptions options) =>
        (options ?? throw new ArgumentNullException(nameof(options))).Subscribe switch
        {
            All => false,
            OnDemand => true,
            var other => throw new ArgumentException($"--subscribe must be '{All}' or '{OnDemand}', not '{other}'."),
        };
}
