using System.Text.Json.Nodes;
using Mesh.AppHost.Resources;

namespace Mesh.LocalApi.Tests;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Plain_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var doc = Single("""
            int: 42
            negative: -7
            hex: 0x1F
            octal: 0o17
            float: 1.5
            exponent: 1e3
            yes: true
            no: False
            nothing: null
            tilde: ~
            empty:
            quoted: "80"
            single: 'true'
            word: yes
            version: 1.2.3
            block: |
              line one
              line two
            tagged: !!str 123
            forced: !!int "12"
            """);
        Assert.Equal(42L, doc["int"]!.GetValue<long>());
        Assert.Equal(-7L, doc["negative"]!.GetValue<long>());
        Assert.Equal(31L, doc["hex"]!.GetValue<long>());
        Assert.Equal(15L, doc["octal"]!.GetValue<long>());
        Assert.Equal(1.5, doc["float"]!.GetValue<double>());
        Assert.Equal(1000.0, doc["exponent"]!.GetValue<double>());
        Assert.True(doc["yes"]!.GetValue<bool>());
        Assert.False(doc["no"]!.GetValue<bool>());
        Assert.True(doc.ContainsKey("nothing") && doc["nothing"] is null);
        Assert.Null(doc["tilde"]);
        Assert.Null(doc["empty"]);
        Assert.Equal("80", doc["quoted"]!.GetValue<string>());
        Assert.Equal("true", doc["single"]!.GetValue<string>());
        Assert.Equal("yes", doc["word"]!.GetValue<string>());
        Assert.Equal("1.2.3", doc["version"]!.GetValue<string>());
        Assert.Equal("line one\nline two\n", doc["block"]!.GetValue<string>());
        Assert.Equal("123", doc["tagged"]!.GetValue<string>());
        Assert.Equal(12L, doc["forced"]!.GetValue<long>());
    }

    [Fact]
    public void Documents_are_split_and_empty_ones_skipped()
    {
        var docs = YamlToJson.ReadDocuments("""
            ---
            a: 1
            ---
            # only a comment
            ---
            - b
            - 2
            ---
            """);
        Assert.Equal(2, docs.Count);
        Assert.Equal("""{"a":1}""", docs[0].ToJsonString());
        Assert.Equal("""["b",2]""", docs[1].ToJsonString());
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_are_expanded()
    {
        var doc = Single("""
            base: &labels
              app: web
              tier: front
            copy: *labels
            merged:
              <<: *labels
              tier: back
            """);
        Assert.Equal("""{"app":"web","tier":"front"}""", doc["copy"]!.ToJsonString());
        Assert.Equal("back", (string)doc["merged"]!["tier"]!);
        Assert.Equal("web", (string)doc["merged"]!["app"]!);
    }

    private static JsonObject Single(string yaml) => Assert.Single(YamlToJson.ReadDocuments(yaml)).AsObject();
}
