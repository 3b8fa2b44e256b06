using System.Text.Json.Nodes;
using Mesh.Silo.Kubernetes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Silo.Tests;

/// <summary>A bookmark older than an event already seen must not move the informer's resume point back.</summary>
public sealed class StaleBookmarkTests
{
    private static string Service(string name, int rv) =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"ns","resourceVersion":"{{{rv}}}"}}""";

    private static string Event(string type, string obj) => $$$"""{"type":"{{{type}}}","object":{{{obj}}}}""" + "\n";

    [Fact]
    public async Task Resumes_from_the_newest_event_not_from_a_stale_bookmark()
    {
        var watches = 0;
        await using var server = await FakeApiServer.StartAsync(async (self, context) =>
        {
            if (!context.Request.Query.ContainsKey("watch"))
            {
                await context.Response.WriteAsync($$$"""{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[{{{Service("a", 10)}}}]}""");
                return;
            }
            if (Interlocked.Increment(ref watches) == 1)
            {
                // Events up to 15, then a bookmark for 13, then the stream is cut.
                await context.Response.WriteAsync(Event("ADDED", Service("b", 12)));
                await context.Response.WriteAsync(Event("MODIFIED", Service("b", 15)));
                await context.Response.WriteAsync(Event("BOOKMARK", """{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"13"}}"""));
                return;
            }
            await self.HoldOpenAsync(context);
        });
        var informer = new Informer(ResourceKind.Services, server.Client(), NullLogger.Instance);
        await server.RunUntilCallsAsync(informer, 3);

        Assert.Equal(["list", "watch 10", "watch 15"], server.Calls.Take(3));
        Assert.Equal("15", informer.Get("ns", "b")!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("15", "13", "15")] // stale bookmark: keep the newer
    [InlineData("15", "20", "20")]
    [InlineData("15", null, "15")]
    [InlineData("15", "", "15")]
    [InlineData("abc", "13", "13")] // not numbers: the server's word
    [InlineData("15", "x7", "x7")]
    public void Never_goes_back_between_numeric_versions(string current, string? seen, string expected) =>
        Assert.Equal(expected, ResourceVersions.ResumeFrom(current, seen));
}
