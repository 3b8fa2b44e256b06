using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mesh.LocalApi.Tests.Support;

public static class Pods
{
    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True");

    /// <summary>Waits until exactly <paramref name="count"/> pods match the selector and all are Ready.</summary>
    public static Task<List<JsonObject>> WaitForReadyAsync(ApiClient api, string ns, string selector, int count) =>
        Eventually.ValueAsync(async () =>
        {
            var pods = await api.ListAsync($"/api/v1/namespaces/{ns}/pods?labelSelector={Uri.EscapeDataString(selector)}");
            return pods.Count == count && pods.All(IsReady) ? pods : null;
        }, $"{count} ready pods with {selector} in {ns}");

    public static string Ip(JsonObject pod) => (string)pod["status"]!["podIP"]!;

    public static async Task<bool> IsListeningAsync(string ip, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(ip), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
