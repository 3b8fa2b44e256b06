using System.Text.Json.Nodes;
using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Validation;

/// <summary>Bad input never throws: every node of every baseline is replaced by every JSON type in turn.</summary>
public class RobustnessTests
{
    // null, a number, a string, an object and a list
    private static readonly string[] Replacements = ["null", "-1.5", "\"x\"", "{}", "[{}]"];

    [Theory]
    [InlineData("HTTPRoute")]
    [InlineData("GRPCRoute")]
    [InlineData("ReferenceGrant")]
    public void Any_node_of_any_type_yields_errors_not_exceptions(string kind)
    {
        var baseline = Mutation.Parse(Baselines.Of(kind));
        var paths = new List<string>();
        Collect(baseline, "", paths);
        foreach (var path in paths)
        {
            foreach (var replacement in Replacements)
            {
                var obj = baseline.DeepClone().AsObject().With(path, replacement);
                var errors = GatewayApiValidation.Validate(kind, obj);
                Assert.All(errors, e => Assert.StartsWith("FieldValue", e.Reason, StringComparison.Ordinal));
            }
        }
        Assert.True(paths.Count > 10);
    }

    [Fact]
    public void A_wrong_type_is_reported_at_its_path()
    {
        var obj = Mutation.Parse(Baselines.HttpRoute).With("spec.rules[0].matches[0].path", "5");
        var error = Assert.Single(GatewayApiValidation.Validate("HTTPRoute", obj), e => e.Reason == "FieldValueTypeInvalid");
        Assert.Equal("spec.rules[0].matches[0].path", error.Field);
        Assert.Equal("Invalid value: 5: must be of type object", error.Message);
    }

    [Fact]
    public void Repeated_property_names_are_duplicates()
    {
        var obj = JsonNode.Parse("""{"metadata": {"name": "a", "name": "b"}, "spec": {"rules": [{"name": "x", "name": "y"}]}}""")!.AsObject();
        var errors = GatewayApiValidation.Validate("HTTPRoute", obj);
        Assert.Equal(["metadata.name", "spec.rules[0].name"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal(("FieldValueDuplicate", "Duplicate value: duplicate field \"name\""), (e.Reason, e.Message)));
    }

    [Fact]
    public void Objects_built_in_code_read_like_parsed_ones()
    {
        var route = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "r" },
            ["spec"] = new JsonObject
            {
                ["parentRefs"] = new JsonArray(new JsonObject { ["group"] = "", ["kind"] = "Service", ["name"] = 's', ["port"] = 80 }),
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = "b", ["port"] = (short)80, ["weight"] = 1.0m }),
                    ["filters"] = new JsonArray(new JsonObject { ["type"] = "CORS", ["cors"] = new JsonObject { ["allowCredentials"] = true, ["maxAge"] = 5u } }),
                }),
            },
        };
        Mutation.AssertValid(GatewayApiValidation.Validate("HTTPRoute", route));
    }

    private static void Collect(JsonNode node, string path, List<string> paths)
    {
        if (path.Length > 0)
        {
            paths.Add(path);
        }
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Collect(child!, path.Length == 0 ? name : $"{path}.{name}", paths);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i]!, $"{path}[{i}]", paths);
                }
                break;
        }
    }
}
