using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.AppHost.Resources;
using Mesh.Grains.Binding;
using Mesh.Grains.Model;

namespace Mesh.Grains.Tests;

/// <summary>
/// Objects in, merged state out: each case under Golden/ (the demo of deploy/local among them) is
/// translated and compared with its state.json. A change to the translation shows up as a readable
/// diff of that file; MESH_UPDATE_GOLDEN=1 rewrites the files after review.
/// </summary>
public class GoldenTests
{
    private static readonly JsonSerializerOptions Indented = new(KubernetesJson.Options) { WriteIndented = true };

    [Theory]
    [InlineData("demo")]
    [InlineData("precedence")]
    public void Translation_matches_the_golden_state(string name)
    {
        var inputs = Path.Combine(AppContext.BaseDirectory, "Golden", name);
        var objects = Directory.EnumerateFiles(inputs, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(ResourceFileReader.Read).Select(d => d.Object).ToList();
        var state = MeshTranslator.Translate(new MeshSnapshot
        {
            Services = Of<Service>(objects, "Service"),
            EndpointSlices = Of<EndpointSlice>(objects, "EndpointSlice"),
            HttpRoutes = Of<HttpRoute>(objects, "HTTPRoute"),
            GrpcRoutes = Of<GrpcRoute>(objects, "GRPCRoute"),
            ReferenceGrants = Of<ReferenceGrant>(objects, "ReferenceGrant"),
        });
        var actual = JsonSerializer.Serialize(new { state.Frontends, state.RouteStatuses }, Indented) + "\n";

        var golden = Path.Combine(SourceDirectory(), "Golden", name, "state.json");
        if (Environment.GetEnvironmentVariable("MESH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual);
        }
        Assert.True(File.Exists(golden), $"{golden} is missing; run with MESH_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    private static List<T> Of<T>(List<JsonObject> objects, string kind) =>
        objects.Where(o => o["kind"]?.GetValue<string>() == kind).Select(o => KubernetesJson.Read<T>(o)).ToList();

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
