namespace Mesh.Silo.Subscriptions;

/// <summary>How the subscription endpoint paces its streams.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>A stream with nothing else to send gets a heartbeat this often (proxies give up after 20 s of silence).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
}
