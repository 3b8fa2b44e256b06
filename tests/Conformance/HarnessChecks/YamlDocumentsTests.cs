using System.Text.Json;
using Mesh.AppHost.Resources;
using Mesh.Conformance.Tests.Harness;

namespace Mesh.Conformance.Tests.HarnessChecks;

/// <summary>Manifests reach the API typed as kubectl would send them.</summary>
[Trait("Conformance", "harness")]
public sealed class YamlDocumentsTests
{
    [Fact]
    public void Plain_scalars_are_typed_and_quoted_ones_stay_strings_across_documents()
    {
        var docs = YamlDocuments.Read(new StringReader("""
            # comment
            kind: A
            spec:
              port: 80
              weight: 0.5
              enabled: true
              quoted: "true"
              version: "1.26.1"
              group: ""
              empty:
            ---
            kind: B
            """));
        Assert.Equal(2, docs.Count);
        var spec = docs[0]["spec"]!;
        Assert.Equal(JsonValueKind.Number, spec["port"]!.GetValueKind());
        Assert.Equal(80, spec["port"]!.GetValue<long>());
        Assert.Equal(0.5, spec["weight"]!.GetValue<double>());
        Assert.True(spec["enabled"]!.GetValue<bool>());
        Assert.Equal("true", spec["quoted"]!.GetValue<string>());
        Assert.Equal("1.26.1", spec["version"]!.GetValue<string>());
        Assert.Equal("", spec["group"]!.GetValue<string>());
        Assert.Null(spec["empty"]);
        Assert.Equal("B", docs[1]["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Every_manifest_of_the_suite_parses_into_objects_with_a_kind_the_API_serves()
    {
        var files = Directory.GetFiles(RepoPaths.Manifests, "*.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            foreach (var document in ResourceFileReader.Read(file))
            {
                Assert.NotNull(KubeApi.CollectionOf(document.Object));
            }
        }
    }
}
