using System.Net.WebSockets;
using System.Text;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.EndToEnd.Tests;

/// <summary>An HTTP/1.1 Upgrade (WebSocket) through the gateway becomes a two-way tunnel to the backend.</summary>
public sealed class WebSocketTests(DemoMesh mesh) : IClassFixture<DemoMesh>
{
    [Fact]
    public async Task A_WebSocket_upgrade_is_tunnelled_both_ways()
    {
        await using var backend = await StartEchoSocketServerAsync();
        await mesh.Api.ApplyNamespaceAsync("sockets");
        var port = LoopbackServer.Address(backend).Port;
        await SelectorlessService.ApplyAsync(mesh.Api, "sockets", "chat", [("127.0.0.1", port)]);
        var pod = await mesh.Api.DeploymentPodAsync("slow-clients", "slow-client");
        using var invoker = new HttpMessageInvoker(PodClient.Handler(mesh.GatewayUri, pod.IP, viaProxy: true));

        var echoed = await Eventually.HoldsAsync(async () =>
        {
            using var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new Uri("ws://chat.sockets/talk"), invoker, timeout.Token);
            var replies = new List<string>();
            foreach (var text in new[] { "hello", "mesh" })
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
                var buffer = new byte[256];
                var received = await socket.ReceiveAsync(buffer, timeout.Token);
                replies.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
            }
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            return replies;
        }, replies => replies.Count == 2, "the WebSocket connects through the gateway");

        Assert.Equal(["echo: hello", "echo: mesh"], echoed);
    }

    private static Task<WebApplication> StartEchoSocketServerAsync() => LoopbackServer.StartAsync(app =>
    {
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[256];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }
                var reply = Encoding.UTF8.GetBytes("echo: " + Encoding.UTF8.GetString(buffer, 0, received.Count));
                await socket.SendAsync(reply, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        });
    });
}
