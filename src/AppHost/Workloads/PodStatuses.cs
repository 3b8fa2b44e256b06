using System.Net;
using System.Text.Json.Nodes;
using Mesh.AppHost.LocalApi.Objects;

namespace Mesh.AppHost.Workloads;

/// <summary>The status the local kubelet reports for a pod it started (or failed to start).</summary>
internal static class PodStatuses
{
    public const string HostIp = "127.0.0.1";

    public static JsonObject Running(JsonObject pod, IPAddress podIp, string startedAt) =>
        Build(pod, podIp, startedAt, failure: null);

    public static JsonObject Failed(JsonObject pod, IPAddress podIp, string startedAt, string failure) =>
        Build(pod, podIp, startedAt, failure);

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => ObjectMeta.String(c["type"]) == "Ready" && ObjectMeta.String(c["status"]) == "True");

    private static JsonObject Build(JsonObject pod, IPAddress podIp, string startedAt, string? failure)
    {
        var ready = failure is null ? "True" : "False";
        var containers = new JsonArray();
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = ObjectMeta.String(container["name"]) ?? "";
            containers.Add(new JsonObject
            {
                ["name"] = name,
                ["ready"] = failure is null,
                ["started"] = failure is null,
                ["restartCount"] = 0,
                ["image"] = ObjectMeta.String(container["image"]) ?? "",
                ["imageID"] = "",
                ["containerID"] = $"mesh://{ObjectMeta.Uid(pod)}/{name}",
                ["state"] = failure is null
                    ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = startedAt } }
                    : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["message"] = failure } },
            });
        }
        var status = new JsonObject
        {
            ["phase"] = failure is null ? "Running" : "Failed",
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", "True", startedAt),
                Condition("Initialized", "True", startedAt),
                Condition("Ready", ready, startedAt),
                Condition("ContainersReady", ready, startedAt),
                Condition("PodScheduled", "True", startedAt)),
            ["hostIP"] = HostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = HostIp }),
            ["podIP"] = podIp.ToString(),
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp.ToString() }),
            ["startTime"] = startedAt,
            ["containerStatuses"] = containers,
            ["qosClass"] = "BestEffort",
        };
        if (failure is not null)
        {
            status["reason"] = "EchoServerFailed";
            status["message"] = failure;
        }
        return status;
    }

    private static JsonObject Condition(string type, string status, string since) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = since,
    };
}
