using System.Text.Json.Nodes;
using Mesh.Grains.Model;
using Mesh.Grains.Status;
using Mesh.Silo.Status;

namespace Mesh.Silo.Tests;

public class RouteStatusMergeTests
{
    private static readonly DateTimeOffset Then = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static RouteStatus Desired(string accepted = "True") => new()
    {
        Parents =
        [
            new RouteParentStatus
            {
                ParentRef = new ParentReference { Group = "", Kind = "Service", Name = "smiley" },
                Conditions =
                [
                    new Condition { Type = "Accepted", Status = accepted, Reason = "Accepted", Message = "ok", ObservedGeneration = 1 },
                    new Condition { Type = "ResolvedRefs", Status = "True", Reason = "ResolvedRefs", Message = "ok", ObservedGeneration = 1 },
                ],
            },
        ],
    };

    private static JsonObject Route(JsonArray? parents = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "r", ["namespace"] = "faces", ["resourceVersion"] = "5" },
        ["spec"] = new JsonObject(),
        ["status"] = new JsonObject { ["parents"] = parents ?? [] },
    };

    [Fact]
    public void Writes_our_parents_with_the_transition_time_of_now()
    {
        var merged = RouteStatusMerge.Merge(Route(), Desired(), Now)!;

        var parent = merged["status"]!["parents"]![0]!;
        Assert.Equal(MeshController.Name, parent["controllerName"]!.GetValue<string>());
        Assert.Equal("2026-06-01T00:00:00Z", parent["conditions"]![0]!["lastTransitionTime"]!.GetValue<string>());
        Assert.Equal("5", merged["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public void Nothing_is_written_when_nothing_changed()
    {
        var once = RouteStatusMerge.Merge(Route(), Desired(), Then)!;

        Assert.Null(RouteStatusMerge.Merge(once, Desired(), Now));
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_until_its_status_changes()
    {
        var once = RouteStatusMerge.Merge(Route(), Desired(), Then)!;
        var changed = RouteStatusMerge.Merge(once, Desired(accepted: "False"), Now)!;

        var conditions = changed["status"]!["parents"]![0]!["conditions"]!.AsArray();
        Assert.Equal("2026-06-01T00:00:00Z", conditions[0]!["lastTransitionTime"]!.GetValue<string>());
        Assert.Equal("2026-01-01T00:00:00Z", conditions[1]!["lastTransitionTime"]!.GetValue<string>());
    }

    [Fact]
    public void Entries_of_other_controllers_are_kept()
    {
        var theirs = new JsonObject
        {
            ["parentRef"] = new JsonObject { ["name"] = "gw" },
            ["controllerName"] = "example.com/other",
            ["conditions"] = new JsonArray(),
        };

        var merged = RouteStatusMerge.Merge(Route([theirs]), Desired(), Now)!;

        var parents = merged["status"]!["parents"]!.AsArray();
        Assert.Equal(2, parents.Count);
        Assert.Equal("example.com/other", parents[0]!["controllerName"]!.GetValue<string>());
    }
}
